import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPkcs12, writePkcs12 } from '../../../src/pki/index.js';
import { makeCa } from '../../support/certs.js';

/** The DER BMPString of an alias, as Java writes friendlyName. */
function utf16beAlias(alias: string): Buffer {
  const units = Buffer.alloc(alias.length * 2);
  for (let i = 0; i < alias.length; i++) units.writeUInt16BE(alias.charCodeAt(i), i * 2);
  return Buffer.concat([Buffer.from([0x1e, units.length]), units]);
}

describe('pki/pkcs12: interoperable bytes', function () {
  this.timeout(60_000);
  const ca = makeCa({ subject: 'CN=interop' });

  it('writes friendlyName as a BMPString of UTF-16BE code units (what Java reads as the alias)', () => {
    for (const alias of ['nifi-cert', 'zürich-€']) {
      const p12 = writePkcs12([{ alias, der: ca.cert }], { password: 'pw', salt: Buffer.alloc(20, 1) });
      expect(p12.includes(utf16beAlias(alias)), alias).to.equal(true);
      expect(readPkcs12(p12, 'pw').entries.map((e) => e.alias)).to.deep.equal([alias]);
    }
  });

  it('reads a store OpenSSL 3 wrote by default (PBES2/AES-256-CBC certificates, HMAC-SHA-256 MAC)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pki-openssl-'));
    writeFileSync(join(dir, 'ca.pem'), ca.pem);
    writeFileSync(join(dir, 'key.pem'), ca.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync('openssl', ['pkcs12', '-export', '-in', join(dir, 'ca.pem'), '-inkey', join(dir, 'key.pem'), '-name', 'nifi-key', '-passout', 'pass:changeit', '-out', join(dir, 's.p12')]);
    const r = readPkcs12(readFileSync(join(dir, 's.p12')), 'changeit');
    expect(r.encryptedParts).to.equal(0);
    expect(r.entries.map((e) => [e.alias, e.kind, e.der.equals(ca.cert)])).to.deep.equal([['nifi-key', 'key-cert', true]]);
    expect(() => readPkcs12(readFileSync(join(dir, 's.p12')), 'wrong')).to.throw(/integrity/);
  });
});
