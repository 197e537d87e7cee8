import { expect } from 'chai';
import { namespaceSelected } from '../../../src/policy/match.js';
import { globsOverlap, sharedNamespaces } from '../../../src/status/overlap.js';

describe('status: do two namespace claims overlap (exactly, on the patterns)', () => {
  const table: Array<[a: string, b: string, overlap: boolean]> = [
    ['prod', 'prod', true],
    ['prod', 'dev', false],
    ['prod', 'prod-a', false],
    ['prod-*', 'prod-a', true],
    ['prod-*', 'prod', false], // "prod-*" needs the dash
    ['prod-*', 'dev-*', false],
    ['prod-*', '*-eu', true], // prod-eu
    ['*-eu', '*-us', false],
    ['a*b', 'b*a', false], // one must start with a, the other with b
    ['a*', '*a', true],
    ['?', 'ab', false],
    ['??', 'ab', true],
    ['a?c', 'a*', true],
    ['a?c', '*d', false],
    ['*', '', true],
    ['?*', '', false],
    ['nifi-?', 'nifi-*-x', false], // one character cannot hold "-x"
    ['nifi-??', 'nifi-*-x', true], // nifi--x: the star matches nothing
    ['*a*b*', '*b*a*', true], // "aba"
    ['ab*', '*ba', true], // "aba"
    ['abc*', '*cba', true], // "abcba"
    ['x*x', 'x', false],
    ['x*x', 'xx', true],
  ];
  for (const [a, b, want] of table) {
    it(`${JSON.stringify(a)} and ${JSON.stringify(b)}: ${want ? 'overlap' : 'disjoint'}`, () => {
      expect(globsOverlap(a, b)).to.equal(want);
      expect(globsOverlap(b, a)).to.equal(want);
    });
  }

  it('agrees with enumerating every string, for every pair of short globs over {a, b, *, ?}', () => {
    const atoms = ['a', 'b', '*', '?'];
    const globs: string[] = [''];
    for (let len = 1; len <= 3; len++) for (const g of globs.filter((x) => x.length === len - 1)) for (const c of atoms) globs.push(g + c);
    // A shared match, if any, has one no longer than both globs together (each character of it advances one).
    const strings: string[] = [''];
    for (let len = 1; len <= 6; len++) for (const s of strings.filter((x) => x.length === len - 1)) for (const c of ['a', 'b', 'c']) strings.push(s + c);
    const matched = new Map(globs.map((g) => [g, strings.map((s) => namespaceSelected([g], s))]));
    let checked = 0;
    for (const a of globs) {
      for (const b of globs) {
        const brute = strings.some((_s, i) => matched.get(a)![i]! && matched.get(b)![i]!);
        expect(globsOverlap(a, b), `${a} / ${b}`).to.equal(brute);
        checked++;
      }
    }
    expect(checked).to.equal(85 * 85);
  });

  const shared: Array<[mine: string[], theirs: string[], want: string[]]> = [
    [[], [], ['every namespace']],
    [[], ['a', 'b-*'], ['a', 'b-*']],
    [['a', 'b-*'], [], ['a', 'b-*']],
    [['prod-*'], ['prod-a', 'dev'], ['prod-a']],
    [['prod-a'], ['prod-*'], ['prod-a']],
    [['prod-*'], ['prod-*'], ['prod-*']],
    [['prod-*'], ['*-eu'], ['prod-* (overlaps *-eu)']],
    [['prod-*', 'prod-eu'], ['*-eu'], ['prod-* (overlaps *-eu)', 'prod-eu']],
    [['prod'], ['dev', 'dev-*'], []],
  ];
  for (const [mine, theirs, want] of shared) {
    it(`shared by ${JSON.stringify(mine)} and ${JSON.stringify(theirs)}: ${JSON.stringify(want)}`, () => {
      expect(sharedNamespaces(mine, theirs)).to.deep.equal(want);
    });
  }
});
