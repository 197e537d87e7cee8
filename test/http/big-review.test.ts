// Reviews at and beyond what the webhook plans for: every one gets a valid AdmissionReview (never a
// 500, never a block for size alone), and a patch, when there is one, applies.
import { expect } from 'chai';
import { POD_LIMITS } from '../../src/admission/bounds.js';
import { BODY_LIMIT_BYTES } from '../../src/http/app.js';
import { exampleReview } from '../support/paths.js';
import { applyStrict } from '../support/patch.js';
import { postReview, request, startTestServer, type TestServer } from '../support/https.js';

type Pod = { metadata: { labels: Record<string, string> }; spec: { containers: Array<Record<string, unknown>> } };

function reviewWith(edit: (pod: Pod) => void): { review: Record<string, unknown>; pod: Pod } {
  const review = exampleReview();
  const pod = (review.request as { object: Pod }).object;
  edit(pod);
  return { review, pod };
}

const minimalContainers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `nifi-${i}`, image: 'apache/nifi:1.28.1' }));

describe('POST /mutate with very large pods', function () {
  this.timeout(60_000);
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => {
    await srv.close();
  });

  const decode = (patch: string) => JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as never[];

  it('answers a NiFi pod with 30,000 containers: allowed untouched, with a warning (was a 500: stack overflow)', async () => {
    const { review } = reviewWith((pod) => (pod.spec.containers = minimalContainers(30_000)));
    const res = await postReview(srv.port, srv.ca, review);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    const response = res.json().response;
    expect(response).to.include({ uid: (review.request as { uid: string }).uid, allowed: true });
    expect(response).to.not.have.property('patch');
    expect(response.warnings).to.deep.equal(['nifi-ca-guard: pod too large to check (30000 containers, over 1000); not mutated']);
    expect(response.auditAnnotations).to.deep.equal({ decision: 'too-large' });
    const metrics = (await request(srv.port, { path: '/metrics', ca: srv.ca })).text;
    expect(metrics).to.match(/^nifi_ca_guard_admissions_total\{role="too-large",outcome="allowed"\} 1$/m);
  });

  it(`mutates a NiFi pod at the container limit (${POD_LIMITS.containers}), with a patch that applies`, async () => {
    const { review, pod } = reviewWith((p) => (p.spec.containers = minimalContainers(POD_LIMITS.containers)));
    const res = await postReview(srv.port, srv.ca, review);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    const response = res.json().response;
    expect(response.patchType).to.equal('JSONPatch');
    const mutated = applyStrict(pod, decode(response.patch)) as Pod;
    expect(mutated.spec.containers).to.have.length(POD_LIMITS.containers);
  });

  it('answers a review of labels up to the body limit: allowed untouched, with a warning', async () => {
    const { review } = reviewWith((pod) => {
      for (let i = 0; i < 200_000; i++) pod.metadata.labels[`l${i}`] = `v${i}`;
    });
    const body = JSON.stringify(review);
    expect(Buffer.byteLength(body)).to.be.within(3 * 1024 * 1024, BODY_LIMIT_BYTES);
    const res = await postReview(srv.port, srv.ca, body);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    expect(res.json().response.warnings).to.deep.equal([`nifi-ca-guard: pod too large to check (over ${POD_LIMITS.values} JSON values); not mutated`]);
  });

  it('mutates a NiFi pod with many labels under the value limit', async () => {
    const { review, pod } = reviewWith((p) => {
      for (let i = 0; i < POD_LIMITS.values - 1_000; i++) p.metadata.labels[`l${i}`] = `v${i}`;
    });
    const res = await postReview(srv.port, srv.ca, review);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    const response = res.json().response;
    expect(response.patchType).to.equal('JSONPatch');
    applyStrict(pod, decode(response.patch));
  });
});
