// A ceiling for `make bench` between bare node:https and `serve`: express 5 with the same JSON body
// parser settings as serve's /mutate, answering a fixed AdmissionReview. What serve costs beyond it is
// the admission itself (and serve's checks, metrics and log line).
import express from 'express';
import { readFileSync } from 'node:fs';
import https from 'node:https';

const [port, cert, key] = process.argv.slice(2);
if (!port || !cert || !key) {
  console.error('usage: express-server PORT CERT KEY');
  process.exit(2);
}
const reply = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'fixed', allowed: true } });
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/mutate', express.json({ limit: '4mb', strict: false, type: () => true }), (_req, res) => {
  res.type('json').send(reply);
});
const server = https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, app);
server.listen(Number(port), '127.0.0.1', () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
