import { expect } from 'chai';
import { exampleReview } from '../support/paths.js';
import { postReview, request, startTestServer, type TestServer } from '../support/https.js';

describe('probes, metrics and unknown routes', () => {
  let srv: TestServer;
  beforeEach(async () => {
    srv = await startTestServer();
  });
  afterEach(async () => {
    await srv.close();
  });

  it('GET /healthz is 200', async () => {
    const res = await request(srv.port, { path: '/healthz', ca: srv.ca });
    expect(res.status).to.equal(200);
    expect(res.json()).to.deep.equal({ status: 'ok' });
  });

  it('GET /readyz is 200 with policy and certificate loaded', async () => {
    const res = await request(srv.port, { path: '/readyz', ca: srv.ca });
    expect(res.status).to.equal(200);
    expect(res.json().problems).to.deep.equal([]);
  });

  it('GET /readyz is 503 while shutting down, and asks the client to close the connection', async () => {
    srv.readiness.shuttingDown();
    const res = await request(srv.port, { path: '/readyz', ca: srv.ca });
    expect(res.status).to.equal(503);
    expect(res.json().problems).to.include('shutting down');
    expect(res.headers.connection).to.equal('close');
  });

  it('refuses reviews with 503 until cluster policies are synced, then answers them', async () => {
    srv.readiness.waitFor('cluster policies');
    const ready = await request(srv.port, { path: '/readyz', ca: srv.ca });
    expect(ready.status).to.equal(503);
    expect(ready.json().problems).to.deep.equal(['cluster policies not synced']);
    const refused = await postReview(srv.port, srv.ca, exampleReview());
    expect(refused.status).to.equal(503);
    expect(refused.json()).to.deep.equal({ error: { code: 'NotSynced', message: 'cluster policies not synced yet' } });
    srv.readiness.done('cluster policies');
    const answered = await postReview(srv.port, srv.ca, exampleReview());
    expect(answered.status).to.equal(200);
    expect(answered.json().response.allowed).to.equal(true);
  });

  it('GET /metrics counts admissions by role/outcome, bad requests by code, and handling time', async () => {
    await postReview(srv.port, srv.ca, exampleReview());
    await postReview(srv.port, srv.ca, '{not json');
    await postReview(srv.port, srv.ca, { kind: 'Nope' });
    const res = await request(srv.port, { path: '/metrics', ca: srv.ca });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/plain/);
    expect(res.text).to.match(/^nifi_ca_guard_admissions_total\{role="[a-z-]+",outcome="(allowed|patched)"\} 1$/m);
    expect(res.text).to.match(/^nifi_ca_guard_bad_requests_total\{code="MalformedJson"\} 1$/m);
    expect(res.text).to.match(/^nifi_ca_guard_bad_requests_total\{code="WrongKind"\} 1$/m);
    expect(res.text).to.match(/^nifi_ca_guard_admission_duration_seconds_count\{outcome="bad_request"\} 2$/m);
  });

  const unknown = [
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/validate' },
    { method: 'POST', path: '/healthz' },
    { method: 'DELETE', path: '/metrics' },
  ];
  for (const u of unknown) {
    it(`${u.method} ${u.path} is 404 JSON`, async () => {
      const res = await request(srv.port, { method: u.method, path: u.path, ca: srv.ca });
      expect(res.status).to.equal(404);
      expect(res.json().error.code).to.equal('NotFound');
    });
  }
});
