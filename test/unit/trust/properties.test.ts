// Properties over random inputs: the bundle reader never throws on junk and never lets junk change
// which certificates it finds; JKS aliases survive modified UTF-8; PKCS12 MACs depend on the password.
import { expect } from 'chai';
import fc from 'fast-check';
import { readCertificates, selectAnchors } from '../../../src/trust/bundle.js';
import { parsePem } from '../../../src/trust/pem.js';
import { readJks, readPkcs12, writeJks, writePkcs12 } from '../../../src/pki/index.js';
import { makeCa, NOW } from '../../support/certs.js';

describe('trust: properties', function () {
  this.timeout(60_000);
  const cas = [makeCa({ subject: 'CN=p1' }), makeCa({ subject: 'CN=p2' }), makeCa({ subject: 'CN=p3' })];
  // Junk that cannot open a PEM block: any text without the five-dash BEGIN marker.
  const junk = fc.string({ maxLength: 200 }).map((s) => s.replace(/-----/g, '- - -'));

  it('parsePem never throws, whatever the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (s) => {
      parsePem(s);
    }), { numRuns: 500 });
  });

  it('junk between blocks, any order and repetition: the same certificates are found', () => {
    const expected = cas.map((c) => c.pem);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), junk), { minLength: 1, maxLength: 8 }), junk, (parts, tail) => {
        const text = parts.map(([i, j]) => `${j}\n${expected[i]!}`).join('\n') + `\n${tail}`;
        const used = new Set(parts.map(([i]) => i));
        const found = readCertificates(text).certs.map((c) => c.subject).sort();
        expect(found).to.deep.equal([...used].sort().map((i) => `CN=p${i + 1}`));
        expect(selectAnchors(text, NOW).trusted).to.have.length(used.size);
      }),
      { numRuns: 150 },
    );
  });

  it('JKS aliases round-trip through modified UTF-8 (lower-cased, as Java stores them)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (alias) => {
        const jks = writeJks([{ kind: 'trusted', alias, der: cas[0]!.cert }], { password: 'pw', date: NOW });
        expect(readJks(jks, 'pw')[0]!.alias).to.equal(alias.toLowerCase());
      }),
      { numRuns: 200 },
    );
  });

  it('a PKCS12 store opens only with its own password', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 }), (pw, other) => {
        fc.pre(pw !== other);
        const p12 = writePkcs12([{ alias: 'a', der: cas[1]!.cert }], { password: pw, salt: Buffer.alloc(20, 4), iterations: 1 });
        expect(readPkcs12(p12, pw).entries).to.have.length(1);
        expect(() => readPkcs12(p12, other)).to.throw(/integrity/);
      }),
      { numRuns: 100 },
    );
  });
});
