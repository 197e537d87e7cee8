import { expect } from 'chai';
import { PatchError, applyPatchStrict, parsePointer, type PatchOp } from '../support/rfc6902.js';

// The strict applier the fuzz relies on: if it accepted too much, the fuzz could not fail.
interface Case {
  name: string;
  doc: unknown;
  patch: PatchOp[];
  want?: unknown;
  error?: RegExp;
}

const ok: Case[] = [
  // RFC 6902 appendix A
  { name: 'A.1 add an object member', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz', value: 'qux' }], want: { baz: 'qux', foo: 'bar' } },
  { name: 'A.2 add an array element', doc: { foo: ['bar', 'baz'] }, patch: [{ op: 'add', path: '/foo/1', value: 'qux' }], want: { foo: ['bar', 'qux', 'baz'] } },
  { name: 'A.3 remove an object member', doc: { baz: 'qux', foo: 'bar' }, patch: [{ op: 'remove', path: '/baz' }], want: { foo: 'bar' } },
  { name: 'A.4 remove an array element', doc: { foo: ['bar', 'qux', 'baz'] }, patch: [{ op: 'remove', path: '/foo/1' }], want: { foo: ['bar', 'baz'] } },
  { name: 'A.5 replace a value', doc: { baz: 'qux', foo: 'bar' }, patch: [{ op: 'replace', path: '/baz', value: 'boo' }], want: { baz: 'boo', foo: 'bar' } },
  {
    name: 'A.6 move a value',
    doc: { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    patch: [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    want: { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  },
  { name: 'A.7 move an array element', doc: { foo: ['all', 'grass', 'cows', 'eat'] }, patch: [{ op: 'move', from: '/foo/1', path: '/foo/3' }], want: { foo: ['all', 'cows', 'eat', 'grass'] } },
  { name: 'A.8 test success', doc: { baz: 'qux', foo: ['a', 2, 'c'] }, patch: [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], want: { baz: 'qux', foo: ['a', 2, 'c'] } },
  { name: 'A.10 add a nested member object', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/child', value: { grandchild: {} } }], want: { foo: 'bar', child: { grandchild: {} } } },
  { name: 'A.14 ~ escape ordering', doc: { '/': 9, '~1': 10 }, patch: [{ op: 'test', path: '/~01', value: 10 }], want: { '/': 9, '~1': 10 } },
  { name: 'A.16 append with -', doc: { foo: ['bar'] }, patch: [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], want: { foo: ['bar', ['abc', 'def']] } },
  // beyond the appendix
  { name: 'add at the end index', doc: { a: [1] }, patch: [{ op: 'add', path: '/a/1', value: 2 }], want: { a: [1, 2] } },
  { name: 'add the whole document', doc: { a: 1 }, patch: [{ op: 'add', path: '', value: [1] }], want: [1] },
  { name: 'add over an existing member replaces it', doc: { a: 1 }, patch: [{ op: 'add', path: '/a', value: 2 }], want: { a: 2 } },
  { name: '~1 and ~0 in a member name', doc: { 'a/b': {}, 'c~d': 1 }, patch: [{ op: 'add', path: '/a~1b/x', value: 1 }, { op: 'replace', path: '/c~0d', value: 2 }], want: { 'a/b': { x: 1 }, 'c~d': 2 } },
  { name: 'the empty member name', doc: { '': { '': 1 } }, patch: [{ op: 'replace', path: '//', value: 2 }], want: { '': { '': 2 } } },
  { name: 'test compares objects regardless of member order', doc: { a: { x: 1, y: [1] } }, patch: [{ op: 'test', path: '/a', value: { y: [1], x: 1 } }], want: { a: { x: 1, y: [1] } } },
];

const bad: Case[] = [
  { name: 'A.9 test failure', doc: { baz: 'qux' }, patch: [{ op: 'test', path: '/baz', value: 'bar' }], error: /value differs/ },
  { name: 'A.12 add to a nonexistent target', doc: { foo: 'bar' }, patch: [{ op: 'add', path: '/baz/bat', value: 'qux' }], error: /no member "baz"/ },
  { name: 'A.15 test with a different type', doc: { '/': 9, '~1': 10 }, patch: [{ op: 'test', path: '/~01', value: '10' }], error: /value differs/ },
  { name: 'add under null', doc: { a: null }, patch: [{ op: 'add', path: '/a/b', value: 1 }], error: /parent is null/ },
  { name: 'add under a string', doc: { a: 's' }, patch: [{ op: 'add', path: '/a/b', value: 1 }], error: /parent is string/ },
  { name: '- on an object', doc: { a: {} }, patch: [{ op: 'add', path: '/a/-', value: 1 }], error: /"-" on an object/ },
  { name: '- in the middle of a path', doc: { a: [{}] }, patch: [{ op: 'add', path: '/a/-/b', value: 1 }], error: /not an array index/ },
  { name: 'remove -', doc: { a: [1] }, patch: [{ op: 'remove', path: '/a/-' }], error: /not an array index/ },
  { name: 'add past the end', doc: { a: [1] }, patch: [{ op: 'add', path: '/a/2', value: 1 }], error: /out of bounds/ },
  { name: 'an index with a leading zero', doc: { a: [1, 2] }, patch: [{ op: 'add', path: '/a/01', value: 1 }], error: /not an array index/ },
  { name: 'a negative index', doc: { a: [1, 2] }, patch: [{ op: 'remove', path: '/a/-1' }], error: /not an array index/ },
  { name: 'replace at the end index', doc: { a: [1] }, patch: [{ op: 'replace', path: '/a/1', value: 1 }], error: /out of bounds/ },
  { name: 'replace a missing member', doc: { a: {} }, patch: [{ op: 'replace', path: '/a/x', value: 1 }], error: /no member "x" to replace/ },
  { name: 'remove a missing member', doc: { a: {} }, patch: [{ op: 'remove', path: '/a/x' }], error: /no member "x" to remove/ },
  { name: 'an inherited member is missing', doc: { a: {} }, patch: [{ op: 'replace', path: '/a/constructor', value: 1 }], error: /no member "constructor"/ },
  { name: 'a ~ not followed by 0 or 1', doc: { 'a~2': 1 }, patch: [{ op: 'replace', path: '/a~2', value: 1 }], error: /~ not followed/ },
  { name: 'a path without a leading /', doc: { a: 1 }, patch: [{ op: 'replace', path: 'a', value: 1 }], error: /must be empty or start with \// },
  { name: 'add without value', doc: { a: {} }, patch: [{ op: 'add', path: '/a/b' }], error: /no "value" member/ },
  { name: 'an unknown op', doc: {}, patch: [{ op: 'merge', path: '/a', value: 1 }], error: /unknown op/ },
  { name: 'move into its own child', doc: { a: { b: {} } }, patch: [{ op: 'move', from: '/a', path: '/a/b/c' }], error: /into its own child/ },
  { name: 'a failing op leaves the input untouched (all or nothing)', doc: { a: [] }, patch: [{ op: 'add', path: '/a/0', value: 1 }, { op: 'remove', path: '/b' }], error: /op 1: .*no member "b"/ },
];

describe('test/support/rfc6902: a strict JSON Patch applier', () => {
  for (const c of ok) {
    it(c.name, () => {
      expect(applyPatchStrict(c.doc, c.patch)).to.deep.equal(c.want);
    });
  }
  for (const c of bad) {
    it(`refuses: ${c.name}`, () => {
      const before = structuredClone(c.doc);
      expect(() => applyPatchStrict(c.doc, c.patch)).to.throw(PatchError, c.error!);
      expect(c.doc).to.deep.equal(before);
    });
  }

  it('adds a __proto__ member as data, never as a prototype', () => {
    const out = applyPatchStrict({ a: {} }, [{ op: 'add', path: '/a/__proto__', value: { polluted: true } }]) as { a: Record<string, unknown> };
    expect(Object.hasOwn(out.a, '__proto__')).to.equal(true);
    expect(Object.getPrototypeOf(out.a)).to.equal(Object.prototype);
    expect(JSON.stringify(out)).to.equal('{"a":{"__proto__":{"polluted":true}}}');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('reads a member named __proto__ only when it is the document\'s own', () => {
    const doc = JSON.parse('{"a":{"__proto__":{"x":1}}}');
    expect(applyPatchStrict(doc, [{ op: 'test', path: '/a/__proto__/x', value: 1 }])).to.deep.equal(doc);
    expect(() => applyPatchStrict({ a: {} }, [{ op: 'test', path: '/a/__proto__', value: {} }])).to.throw(PatchError, /no member "__proto__"/);
  });

  it('decodes ~1 before ~0 (RFC 6901 section 4)', () => {
    expect(parsePointer('/~01')).to.deep.equal(['~1']);
    expect(parsePointer('/a~1b/~0')).to.deep.equal(['a/b', '~']);
    expect(parsePointer('')).to.deep.equal([]);
    expect(parsePointer('/')).to.deep.equal(['']);
  });
});
