import { expect } from 'chai';
import { diff, escapeToken } from '../../src/mutation/diff.js';
import { applyStrict } from '../support/patch.js';

describe('JSON diff', () => {
  const cases: Array<{ name: string; before: unknown; after: unknown; ops: unknown[] }> = [
    { name: 'equal', before: { a: [1, { b: 2 }] }, after: { a: [1, { b: 2 }] }, ops: [] },
    { name: 'missing parent added whole', before: { spec: {} }, after: { spec: { affinity: { x: [1] } } }, ops: [{ op: 'add', path: '/spec/affinity', value: { x: [1] } }] },
    { name: 'prepend reads as one insertion', before: { l: [{ n: 'a' }, { n: 'b' }] }, after: { l: [{ n: 'z' }, { n: 'a' }, { n: 'b' }] }, ops: [{ op: 'add', path: '/l/0', value: { n: 'z' } }] },
    { name: 'append', before: { l: [1] }, after: { l: [1, 2, 3] }, ops: [{ op: 'add', path: '/l/1', value: 2 }, { op: 'add', path: '/l/2', value: 3 }] },
    { name: 'same-length arrays recurse', before: { l: [{ a: 1 }] }, after: { l: [{ a: 1, b: 2 }] }, ops: [{ op: 'add', path: '/l/0/b', value: 2 }] },
    { name: 'reordered array replaced', before: { l: [1, 2] }, after: { l: [2, 1, 3] }, ops: [{ op: 'replace', path: '/l', value: [2, 1, 3] }] },
    { name: 'null replaced', before: { a: null }, after: { a: { b: 1 } }, ops: [{ op: 'replace', path: '/a', value: { b: 1 } }] },
    { name: 'removed key', before: { a: 1, b: 2 }, after: { a: 1 }, ops: [{ op: 'remove', path: '/b' }] },
    { name: 'escaped keys', before: { m: {} }, after: { m: { 'a/b': 1, 'c~d': 2 } }, ops: [{ op: 'add', path: '/m/a~1b', value: 1 }, { op: 'add', path: '/m/c~0d', value: 2 }] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ops = diff(c.before, c.after);
      expect(ops).to.deep.equal(c.ops);
      expect(applyStrict(c.before, ops)).to.deep.equal(c.after);
    });
  }
  it('escapes ~ before /', () => expect(escapeToken('~/')).to.equal('~0~1'));

  it('diffs a pod-sized change set of any length without exhausting the stack (30k containers made 120k ops)', () => {
    const n = 300_000;
    const before = { spec: { containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}` })) } };
    const after = { spec: { containers: before.spec.containers.map((c) => ({ ...c, env: [] })) } };
    const ops = diff(before, after);
    expect(ops).to.have.length(n);
    expect(ops[n - 1]).to.deep.equal({ op: 'add', path: `/spec/containers/${n - 1}/env`, value: [] });
  });
});

