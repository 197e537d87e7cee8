import { expect } from 'chai';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { BODY_LIMIT_BYTES } from '../../src/http/app.js';
import { factsFrom, NO_FACTS, type ClusterFacts } from '../../src/mutation/facts.js';
import { exampleReview } from '../support/paths.js';
import { postReview, request, startTestServer, type Reply, type TestServer } from '../support/https.js';

function withRequest(mutate: (req: Record<string, unknown>) => void): Record<string, unknown> {
  const review = exampleReview();
  mutate(review.request as Record<string, unknown>);
  return review;
}

/** The example review with a hostile array nested `depth` levels inside the pod. */
function deepReview(depth: number): string {
  return JSON.stringify(exampleReview()).replace('"status":{}', `"status":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`);
}

interface BadCase {
  name: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const BAD: BadCase[] = [
  { name: 'body that is not JSON', body: '{"kind": "AdmissionReview",', status: 400, code: 'MalformedJson' },
  { name: 'text/plain content type', body: JSON.stringify(exampleReview()), headers: { 'Content-Type': 'text/plain' }, status: 415, code: 'UnsupportedMediaType' },
  { name: 'no content type', body: JSON.stringify(exampleReview()), headers: { 'Content-Type': '' }, status: 415, code: 'UnsupportedMediaType' },
  { name: 'body over the limit', body: Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x20), status: 413, code: 'BodyTooLarge' },
  { name: 'chunked body over the limit (no Content-Length)', body: Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x20), headers: { 'Transfer-Encoding': 'chunked' }, status: 413, code: 'BodyTooLarge' },
  { name: 'gzip body inflating past the limit', body: gzipSync(Buffer.alloc(BODY_LIMIT_BYTES + 1, 0x20)), headers: { 'Content-Encoding': 'gzip' }, status: 413, code: 'BodyTooLarge' },
  { name: 'gzip header, body not gzip', body: JSON.stringify(exampleReview()), headers: { 'Content-Encoding': 'gzip' }, status: 400, code: 'MalformedEncoding' },
  { name: 'truncated gzip body', body: gzipSync(JSON.stringify(exampleReview())).subarray(0, 40), headers: { 'Content-Encoding': 'gzip' }, status: 400, code: 'MalformedEncoding' },
  { name: 'corrupt deflate body', body: Buffer.concat([deflateSync('{"a":1}').subarray(0, 2), Buffer.from('garbage')]), headers: { 'Content-Encoding': 'deflate' }, status: 400, code: 'MalformedEncoding' },
  { name: 'corrupt brotli body', body: Buffer.concat([Buffer.from([0xff, 0xff, 0xff]), brotliCompressSync('{}')]), headers: { 'Content-Encoding': 'br' }, status: 400, code: 'MalformedEncoding' },
  { name: 'unknown content encoding', body: JSON.stringify(exampleReview()), headers: { 'Content-Encoding': 'compress' }, status: 415, code: 'UnsupportedEncoding' },
  { name: 'JSON that is not an object', body: '[1, 2, 3]', status: 400, code: 'NotAnObject' },
  { name: 'JSON string', body: '"AdmissionReview"', status: 400, code: 'NotAnObject' },
  { name: 'empty body', body: '', status: 400, code: 'EmptyBody' },
  { name: 'missing request', body: JSON.stringify({ ...exampleReview(), request: undefined }), status: 400, code: 'MissingRequest' },
  { name: 'wrong kind', body: JSON.stringify({ ...exampleReview(), kind: 'Pod' }), status: 400, code: 'WrongKind' },
  { name: 'wrong apiVersion', body: JSON.stringify({ ...exampleReview(), apiVersion: 'admission.k8s.io/v2' }), status: 400, code: 'WrongApiVersion' },
  { name: 'request.uid missing', body: JSON.stringify(withRequest((r) => delete r.uid)), status: 400, code: 'InvalidField' },
  { name: 'request.uid empty', body: JSON.stringify(withRequest((r) => (r.uid = ''))), status: 400, code: 'InvalidField' },
  { name: 'CREATE without object', body: JSON.stringify(withRequest((r) => delete r.object)), status: 400, code: 'InvalidField' },
  { name: 'JSON nested 100000 levels deep', body: deepReview(100_000), status: 400, code: 'TooDeep' },
  { name: 'unsupported charset', body: JSON.stringify(exampleReview()), headers: { 'Content-Type': 'application/json; charset=latin1' }, status: 415, code: 'UnsupportedCharset' },
];

describe('POST /mutate over HTTPS', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
  });

  const expectGoodReview = async (): Promise<Reply> => {
    const review = exampleReview();
    const res = await postReview(srv.port, srv.ca, review);
    expect(res.status, res.text).to.equal(200);
    const body = res.json();
    expect(body.kind).to.equal('AdmissionReview');
    expect(body.apiVersion).to.equal('admission.k8s.io/v1');
    expect(body.response.uid).to.equal((review.request as { uid: string }).uid);
    expect(body.response.allowed).to.equal(true);
    return res;
  };

  describe('rejects bad input with a JSON error and keeps serving', () => {
    for (const c of BAD) {
      it(`${c.name} -> ${c.status} ${c.code}`, async () => {
        const logged = srv.logs.lines.length;
        const headers = { 'Content-Type': 'application/json', ...c.headers };
        if (headers['Content-Type'] === '') delete (headers as Record<string, string>)['Content-Type'];
        const res = await request(srv.port, { method: 'POST', path: '/mutate', ca: srv.ca, body: c.body, headers: headers as Record<string, string> });
        expect(res.status, res.text).to.equal(c.status);
        expect(res.headers['content-type']).to.match(/^application\/json/);
        const err = res.json().error;
        expect(err.code).to.equal(c.code);
        expect(err.message).to.be.a('string').and.not.equal('');
        expect(srv.logs.lines.slice(logged).join(''), 'a client error is logged without a stack').to.not.match(/"stack"|internal error/);
        await expectGoodReview();
      });
    }
  });

  it('answers a v1 review with response.uid = request.uid in the request apiVersion', async () => {
    await expectGoodReview();
  });

  it('answers a v1beta1 review in v1beta1', async () => {
    const review = { ...exampleReview(), apiVersion: 'admission.k8s.io/v1beta1' };
    const res = await postReview(srv.port, srv.ca, review);
    expect(res.status).to.equal(200);
    expect(res.json().apiVersion).to.equal('admission.k8s.io/v1beta1');
  });

  const untouched: Array<{ name: string; edit: (r: Record<string, unknown>) => void }> = [
    { name: 'UPDATE of a pod', edit: (r) => (r.operation = 'UPDATE') },
    { name: 'DELETE of a pod (no object)', edit: (r) => { r.operation = 'DELETE'; r.oldObject = r.object; r.object = null; } },
    { name: 'CONNECT', edit: (r) => (r.operation = 'CONNECT') },
    { name: 'CREATE of a ConfigMap', edit: (r) => (r.kind = { group: '', version: 'v1', kind: 'ConfigMap' }) },
    { name: 'CREATE of an apps/v1 Deployment', edit: (r) => (r.kind = { group: 'apps', version: 'v1', kind: 'Deployment' }) },
    { name: 'CREATE of the pods/ephemeralcontainers subresource', edit: (r) => (r.subResource = 'ephemeralcontainers') },
  ];
  for (const c of untouched) {
    it(`allows ${c.name} without a patch`, async () => {
      const review = withRequest(c.edit);
      const res = await postReview(srv.port, srv.ca, review);
      expect(res.status, res.text).to.equal(200);
      const response = res.json().response;
      expect(response).to.include({ uid: (review.request as { uid: string }).uid, allowed: true });
      expect(response).to.not.have.property('patch');
      expect(response).to.not.have.property('patchType');
    });
  }

  it('accepts a review nested as deep as real pods get, and more', async () => {
    const res = await postReview(srv.port, srv.ca, deepReview(100));
    expect(res.status, res.text).to.equal(200);
  });

  it('accepts a body of exactly the limit (4 MiB: the API server reads at most 3 MiB of JSON per write)', async () => {
    expect(BODY_LIMIT_BYTES).to.equal(4 * 1024 * 1024);
    const json = JSON.stringify(exampleReview());
    const body = json + ' '.repeat(BODY_LIMIT_BYTES - Buffer.byteLength(json));
    expect(Buffer.byteLength(body)).to.equal(BODY_LIMIT_BYTES);
    const res = await postReview(srv.port, srv.ca, body);
    expect(res.status, res.text).to.equal(200);
  });

  it('accepts application/json with a charset parameter', async () => {
    const res = await postReview(srv.port, srv.ca, exampleReview(), { 'Content-Type': 'application/json; charset=utf-8' });
    expect(res.status).to.equal(200);
  });

  it('answers GET /mutate with 405 and an Allow header', async () => {
    const res = await request(srv.port, { path: '/mutate', ca: srv.ca });
    expect(res.status).to.equal(405);
    expect(res.headers.allow).to.equal('POST');
    expect(res.json().error.code).to.equal('MethodNotAllowed');
  });

  it('never logs the pod: one summary line per admission', async () => {
    const before = srv.logs.lines.length;
    const review = exampleReview();
    await postReview(srv.port, srv.ca, review);
    const lines = srv.logs.lines.slice(before);
    expect(lines.join('')).to.not.match(/apache\/nifi|NIFI_ZK_CONNECT_STRING|data-nifi-0/);
    const admissions = srv.logs.records().slice(before).filter((r) => r.msg === 'admission');
    expect(admissions).to.have.length(1);
    expect(admissions[0]).to.include({ uid: (review.request as { uid: string }).uid, operation: 'CREATE', namespace: 'nifi', podName: 'nifi-0' });
  });
});

describe('POST /mutate when the handler fails', () => {
  let srv: TestServer;
  let fail = true;
  before(async () => {
    const { builtinPolicy } = await import('../../src/policy/load.js');
    srv = await startTestServer({
      getPolicy: () => {
        if (fail) throw new Error('policy store exploded');
        return builtinPolicy();
      },
    });
  });
  after(async () => {
    await srv.close();
  });

  it('answers 500 JSON (the API server applies failurePolicy), then serves again', async () => {
    const res = await postReview(srv.port, srv.ca, exampleReview());
    expect(res.status).to.equal(500);
    expect(res.json().error.code).to.equal('InternalError');
    expect(res.text).to.not.include('exploded');
    const logged = srv.logs.records().find((r) => r.msg === 'internal error');
    expect(logged).to.include({ error: 'policy store exploded', path: '/mutate' });
    const metrics = (await request(srv.port, { path: '/metrics', ca: srv.ca })).text;
    expect(metrics).to.match(/^nifi_ca_guard_admissions_total\{role="unknown",outcome="error"\} 1$/m);
    fail = false;
    const ok = await postReview(srv.port, srv.ca, exampleReview());
    expect(ok.status).to.equal(200);
  });
});

describe('POST /mutate with cluster facts', () => {
  let srv: TestServer;
  let facts: ClusterFacts = NO_FACTS;
  before(async () => {
    srv = await startTestServer({ facts: () => facts });
  });
  after(async () => {
    await srv.close();
  });

  it('the facts provider is read per review: its warnings and audit annotation reach the response', async () => {
    const before = (await postReview(srv.port, srv.ca, exampleReview())).json();
    expect(before.response.warnings.join('\n')).to.not.match(/trust Secret|anti-affinity: \d/);
    expect(before.response.auditAnnotations['cluster-problems']).to.equal(undefined);

    facts = factsFrom({ nodes: [{ 'kubernetes.io/hostname': 'n1' }], pods: [], secrets: new Set(), secretNamesKnown: new Set(['nifi-ca-trust']) });
    const after = (await postReview(srv.port, srv.ca, exampleReview())).json();
    expect(after.response.warnings).to.include.members([
      'nifi-ca-guard: required anti-affinity: 1 node for 1 NiFi + nifi-ca; a pod will stay Pending; use preferred/add nodes',
      'nifi-ca-guard: trust Secret nifi-ca-trust missing in nifi: the pod waits in Init; run ca init',
    ]);
    expect(after.response.auditAnnotations['cluster-problems']).to.equal('placement-unsatisfiable,trust-secret-missing');
    expect(after.response.patch, 'the same patch either way').to.equal(before.response.patch);
  });
});
