// watchClusterPolicies against a small fake API server on 127.0.0.1 (plain HTTP): a refused list
// (403, e.g. a missing ClusterRoleBinding) must not count as synced; the retry that succeeds does.
import { KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/log.js';
import type { EventOutcome } from '../../src/policy/cluster-events.js';
import { watchClusterPolicies, type ClusterPolicyWatch } from '../../src/policy/cluster-source.js';
import { builtinPolicy } from '../../src/policy/load.js';
import { PolicyStore } from '../../src/policy/store.js';
import { LogCapture } from '../support/logs.js';

const PATH = '/apis/nifi-ca-guard.io/v1alpha1/nifitrustpolicies';
const USER = 'system:serviceaccount:nifi-ca-guard:nifi-ca-guard';
const FORBIDDEN = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: `nifitrustpolicies.nifi-ca-guard.io is forbidden: User "${USER}" cannot list resource "nifitrustpolicies" in API group "nifi-ca-guard.io" at the cluster scope`,
  reason: 'Forbidden',
  code: 403,
};
const POLICY = {
  apiVersion: 'nifi-ca-guard.io/v1alpha1',
  kind: 'NiFiTrustPolicy',
  metadata: { name: 'listed', resourceVersion: '7', generation: 2 },
  spec: { namespaces: ['nifi'], placement: { mode: 'preferred' } },
};

async function until(what: string, ok: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() >= deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('cluster policy watch: list refused, then allowed', () => {
  let server: http.Server;
  let kc: KubeConfig;
  let allowed = false;
  let lists = 0;
  const watches = new Set<http.ServerResponse>();

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== PATH) return void res.writeHead(404).end();
      if (!allowed) {
        if (url.searchParams.get('watch') !== 'true') lists++;
        return void res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify(FORBIDDEN));
      }
      if (url.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        watches.add(res); // held open, like a real watch with no events
        return;
      }
      lists++;
      res.writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicyList', metadata: { resourceVersion: '7' }, items: [POLICY] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'sa', token: 'not-a-secret' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'sa' }],
      currentContext: 'fake',
    });
  });

  after(async () => {
    for (const res of watches) res.end();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('is not synced while the list is refused, logs who was refused what, and syncs on the retry that succeeds', async () => {
    const store = new PolicyStore(builtinPolicy());
    const logs = new LogCapture();
    let synced = 0;
    const judged: EventOutcome[] = [];
    let watch: ClusterPolicyWatch | undefined;
    try {
      watch = watchClusterPolicies(store, createLogger('info', logs), () => synced++, kc, 50, undefined, (o) => judged.push(o));
      await until('two refused lists', () => lists >= 2);
      expect(synced, 'onSynced calls while the list is refused').to.equal(0);
      expect(store.snapshot().cluster).to.deep.equal([]);
      const refused = logs.records().filter((r) => r.msg === 'cannot list NiFiTrustPolicy objects; retrying');
      expect(refused.length).to.be.greaterThan(0);
      expect(refused[0]!.error).to.equal(`HTTP 403: ${FORBIDDEN.message}`);
      expect(logs.records().some((r) => r.msg === 'policy watch failed; policies in force are kept'), 'a list failure logged as a watch failure').to.equal(false);

      allowed = true;
      await until('onSynced', () => synced > 0);
      expect(synced).to.equal(1);
      expect(store.snapshot().cluster.map((p) => p.name)).to.deep.equal(['listed']);
      expect(judged).to.deep.equal([{ result: 'in-force', policy: 'listed', generation: 2 }]); // for its status
    } finally {
      await watch?.stop();
    }
  });
});

describe('cluster policy watch: list allowed, watch refused', () => {
  let server: http.Server;
  let kc: KubeConfig;
  let watchAllowed = false;
  let items: unknown[] = [POLICY];
  let resourceVersion = 7;
  let lists = 0;
  const watches = new Set<http.ServerResponse>();

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== PATH) return void res.writeHead(404).end();
      if (url.searchParams.get('watch') === 'true') {
        if (!watchAllowed) {
          const refused = { ...FORBIDDEN, message: FORBIDDEN.message.replace('cannot list', 'cannot watch') };
          return void res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify(refused));
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        watches.add(res);
        return;
      }
      lists++;
      res.writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ apiVersion: 'nifi-ca-guard.io/v1alpha1', kind: 'NiFiTrustPolicyList', metadata: { resourceVersion: String(resourceVersion) }, items }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'sa', token: 'not-a-secret' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'sa' }],
      currentContext: 'fake',
    });
  });

  after(async () => {
    for (const res of watches) res.end();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('lists again after each refused watch, so the snapshot follows the cluster, and reports the watch failing until it opens', async () => {
    const store = new PolicyStore(builtinPolicy());
    const logs = new LogCapture();
    const health: string[] = [];
    let watch: ClusterPolicyWatch | undefined;
    try {
      watch = watchClusterPolicies(store, createLogger('info', logs), () => {}, kc, 50, {
        failing: (reason) => health.push(`failing: ${reason}`),
        healthy: () => health.push('healthy'),
      });
      await until('the first list', () => store.snapshot().cluster.length === 1);
      await until('a refused watch', () => health.length > 0);
      expect(health[0]).to.equal('failing: watch failed: HTTP 403: Forbidden');

      // The policy is deleted and another created while the watch is refused.
      items = [{ ...POLICY, metadata: { name: 'created-later', resourceVersion: '9' } }];
      resourceVersion = 9;
      const listsBefore = lists;
      await until('a list after the change', () => lists > listsBefore + 1);
      await until('the store to follow the list', () => store.snapshot().cluster.map((p) => p.name).join() === 'created-later');
      expect(health.includes('healthy')).to.equal(false);

      watchAllowed = true;
      await until('the watch to open', () => health.at(-1) === 'healthy');
    } finally {
      await watch?.stop();
    }
  });
});
