import { expect } from 'chai';
import type { Operation } from 'fast-json-patch';
import { patchProblem } from '../../src/admission/patch-guard.js';

describe('admission/patch-guard: the patch must apply to the pod it answers for', () => {
  const pod = () => ({ metadata: { name: 'p', labels: { app: 'nifi' } }, spec: { containers: [{ name: 'nifi' }], volumes: [] as unknown[] } });

  it('passes a patch that applies, and leaves pod and patch untouched', () => {
    const p = pod();
    const patch: Operation[] = [
      { op: 'add', path: '/spec/affinity', value: { podAntiAffinity: {} } },
      { op: 'add', path: '/spec/volumes/0', value: { name: 'v' } },
      { op: 'add', path: '/metadata/annotations', value: { 'a/b': 'x' } },
    ];
    const copy = structuredClone(patch);
    expect(patchProblem(p, patch)).to.equal(undefined);
    expect(p).to.deep.equal(pod());
    expect(patch).to.deep.equal(copy);
  });

  it('passes an empty patch', () => expect(patchProblem(pod(), [])).to.equal(undefined));

  const bad: Array<{ name: string; patch: Operation[]; code: string; index: number; op: string }> = [
    { name: 'add under a missing parent', patch: [{ op: 'add', path: '/spec/affinity/podAntiAffinity', value: {} }], code: 'OPERATION_PATH_CANNOT_ADD', index: 0, op: 'add' },
    { name: 'add past the end of an array', patch: [{ op: 'add', path: '/spec/volumes/0', value: 1 }, { op: 'add', path: '/spec/volumes/5', value: 1 }], code: 'OPERATION_VALUE_OUT_OF_BOUNDS', index: 1, op: 'add' },
    { name: 'replace of a missing member', patch: [{ op: 'replace', path: '/spec/nodeName', value: 'n' }], code: 'OPERATION_PATH_UNRESOLVABLE', index: 0, op: 'replace' },
    { name: 'remove of a missing member', patch: [{ op: 'remove', path: '/metadata/annotations' }], code: 'OPERATION_PATH_UNRESOLVABLE', index: 0, op: 'remove' },
    { name: 'a path through __proto__', patch: [{ op: 'add', path: '/__proto__/polluted', value: 1 }], code: 'TypeError', index: -1, op: 'unknown' },
  ];
  for (const c of bad) {
    it(`reports ${c.name} by operation index and error name only`, () => {
      const problem = patchProblem(pod(), c.patch);
      expect(problem).to.deep.equal({ code: c.code, index: c.index, op: c.op });
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  }
});
