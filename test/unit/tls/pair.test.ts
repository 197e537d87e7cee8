import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPair, readPair } from '../../../src/tls/pair.js';
import { issueForTests, sharedPki } from '../../support/pki.js';

describe('tls/pair: certificate and key belong together', () => {
  const a = sharedPki();
  let b: ReturnType<typeof issueForTests>;
  before(() => {
    b = issueForTests();
  });

  it('accepts a matching pair and names it by serial and fingerprint', () => {
    const pair = checkPair(a.cert, a.key);
    expect(pair.serial).to.match(/^[0-9A-F]+$/);
    expect(pair.fingerprint256).to.match(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  const bad = [
    { name: 'a key from another pair', cert: () => a.cert, key: () => b.key, error: /does not match/ },
    { name: 'a truncated certificate', cert: () => a.cert.slice(0, 300), key: () => a.key, error: /certificate: not a parsable/ },
    { name: 'a truncated key', cert: () => a.cert, key: () => a.key.slice(0, 300), error: /key: not a parsable/ },
    { name: 'an empty certificate', cert: () => '', key: () => a.key, error: /certificate/ },
    { name: 'the key in place of the certificate', cert: () => a.key, key: () => a.key, error: /certificate/ },
  ];
  for (const c of bad) {
    it(`rejects ${c.name} without quoting PEM`, () => {
      let message = '';
      try {
        checkPair(c.cert(), c.key());
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.match(c.error);
      expect(message).to.not.match(/BEGIN|MII/);
    });
  }

  it('reports unreadable files by path and errno code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pair-'));
    writeFileSync(join(dir, 'tls.crt'), a.cert);
    expect(() => readPair(join(dir, 'tls.crt'), join(dir, 'missing.key'))).to.throw(/missing\.key: cannot read \(ENOENT\)/);
  });
});
