// One HTTPS request to the API server with the suite's kubeconfig credentials, for what kubectl 1.20
// cannot do (PATCH of a /status subresource) or cannot do fast enough (a request every 100 ms without
// starting a process each time). This machine only: the kubeconfig's server is 127.0.0.1, or the node
// bridge's address (E2E_HOST_IP) for the cluster with nodes.
import fs from 'node:fs';
import https from 'node:https';
import { parse } from 'yaml';
import { e2eEnv } from './env.js';

interface Kubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority': string } }>;
  users: Array<{ user: { token: string } }>;
}

export function rawRequest(method: string, path: string, body: unknown, contentType = 'application/json'): Promise<unknown> {
  const kc = parse(fs.readFileSync(e2eEnv().kubeconfig, 'utf8')) as Kubeconfig;
  const cluster = kc.clusters[0]?.cluster;
  const token = kc.users[0]?.user.token;
  if (!cluster || !token) throw new Error('kubeconfig without cluster or token');
  const server = new URL(cluster.server);
  if (server.hostname !== '127.0.0.1' && server.hostname !== process.env.E2E_HOST_IP) {
    throw new Error(`refusing an API server not on this machine: ${server.hostname}`);
  }
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: server.hostname,
        port: Number(server.port),
        path,
        method,
        ca: fs.readFileSync(cluster['certificate-authority']),
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': contentType, 'Content-Length': payload.length, Accept: 'application/json' },
        timeout: 15_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
          else resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}
