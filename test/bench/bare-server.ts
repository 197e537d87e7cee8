// The ceiling for `make bench`: node:https alone on the same TLS settings' defaults, reading the whole
// request body and answering one fixed AdmissionReview (allowed, no patch). What is left between this
// and `serve` is the webhook's own cost: express, parsing, the admission, the log line.
import { readFileSync } from 'node:fs';
import https from 'node:https';

const [port, cert, key] = process.argv.slice(2);
if (!port || !cert || !key) {
  console.error('usage: bare-server PORT CERT KEY');
  process.exit(2);
}
const reply = Buffer.from(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'fixed', allowed: true } }));
const server = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': reply.length });
    res.end(reply);
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
