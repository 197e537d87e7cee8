import { expect } from 'chai';
import { depthExceeds } from '../../../src/http/depth.js';

describe('http/depth: nesting bound for request bodies', () => {
  const nest = (n: number): unknown => {
    let v: unknown = 'leaf';
    for (let i = 0; i < n; i++) v = i % 2 === 0 ? [v] : { k: v };
    return v;
  };
  const cases = [
    { name: 'a scalar', value: 'x', max: 0, want: false },
    { name: 'an empty object at depth 1 with max 1', value: {}, max: 1, want: false },
    { name: 'an empty object with max 0', value: {}, max: 0, want: true },
    { name: '10 levels with max 10', value: nest(10), max: 10, want: false },
    { name: '11 levels with max 10', value: nest(11), max: 10, want: true },
    { name: 'a wide shallow object', value: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, [i]])), max: 2, want: false },
    { name: '1,000,000 levels (no stack overflow)', value: nest(1_000_000), max: 512, want: true },
  ];
  for (const c of cases) {
    it(`${c.name} -> ${c.want}`, () => {
      expect(depthExceeds(c.value, c.max)).to.equal(c.want);
    });
  }
});
