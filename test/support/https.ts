import https from 'node:https';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Registry } from 'prom-client';
import { createApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { Readiness } from '../../src/http/readiness.js';
import { listen, type RunningServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { builtinPolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import type { ClusterFacts } from '../../src/mutation/facts.js';
import { singlePolicy, type PolicySet } from '../../src/policy/policy-set.js';
import { LogCapture } from './logs.js';
import { sharedPki } from './pki.js';

export interface TestServer {
  running: RunningServer;
  port: number;
  ca: string;
  readiness: Readiness;
  registry: Registry;
  logs: LogCapture;
  close(): Promise<void>;
}

/** The real app on a real HTTPS server at 127.0.0.1, port 0. */
export async function startTestServer(
  options: { getPolicy?: () => Policy; getPolicies?: () => PolicySet; facts?: () => ClusterFacts; shutdownGraceMs?: number; tls?: { cert: string; key: string; caCert: string } } = {},
): Promise<TestServer> {
  const pki = options.tls ?? sharedPki();
  const logs = new LogCapture();
  const registry = new Registry();
  const readiness = new Readiness();
  readiness.policyLoaded();
  readiness.certificateLoaded(new X509Certificate(pki.cert).validTo);
  const policy = builtinPolicy();
  const app = createApp({
    getPolicies: () => (options.getPolicies ? options.getPolicies() : singlePolicy(options.getPolicy ? options.getPolicy() : policy)),
    ...(options.facts ? { facts: options.facts } : {}),
    logger: createLogger('info', logs),
    metrics: createMetrics(registry),
    readiness,
  });
  const running = await listen({
    host: '127.0.0.1',
    port: 0,
    tls: pki,
    handler: app,
    shutdownGraceMs: options.shutdownGraceMs ?? 2000,
    onClosing: () => readiness.shuttingDown(),
  });
  return { running, port: running.port, ca: pki.caCert, readiness, registry, logs, close: () => running.close() };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
}

export interface RequestOptions {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  ca: string | string[];
  /** Defaults to a fresh connection per request (agent: false). */
  agent?: https.Agent | false;
  servername?: string;
}

/** One HTTPS request that trusts only the given CA. */
export function request(port: number, o: RequestOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        method: o.method ?? 'GET',
        path: o.path,
        headers: o.headers,
        ca: o.ca,
        servername: o.servername ?? 'localhost',
        agent: o.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

/** POST a JSON body (or raw text) to /mutate. */
export function postReview(port: number, ca: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return request(port, { method: 'POST', path: '/mutate', ca, body: raw, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** The certificate a fresh TLS handshake sees (verified against `ca`). */
export function servedCertificate(port: number, ca: string | string[]): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}
