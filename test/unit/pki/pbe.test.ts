import { expect } from 'chai';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decryptPrivateKey, encryptPrivateKey } from '../../../src/pki/index.js';

describe('pki/pbe: PKCS#8 keys under a password, as OpenSSL and Java read them', function () {
  this.timeout(30_000);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  // PBKDF2 takes the password as UTF-8 (Java and OpenSSL agree): a non-ASCII one shows it.
  for (const password of ['changeit', 'pässwörd-€-密码']) {
    it(`encryptPrivateKey (PBES2, AES-256-CBC) opens with OpenSSL under ${JSON.stringify(password)}`, () => {
      const enc = encryptPrivateKey(pkcs8, password);
      const back = createPrivateKey({ key: enc, format: 'der', type: 'pkcs8', passphrase: password });
      expect(back.export({ type: 'pkcs8', format: 'der' }).equals(pkcs8)).to.equal(true);
      expect(decryptPrivateKey(enc, password)!.equals(pkcs8)).to.equal(true);
      expect(decryptPrivateKey(enc, `${password}x`)).to.equal(undefined);
    });

    it(`decryptPrivateKey opens what OpenSSL encrypted under ${JSON.stringify(password)}`, () => {
      const enc = privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: password });
      expect(decryptPrivateKey(enc, password)!.equals(pkcs8)).to.equal(true);
    });
  }

  it('a wrong password never opens a key: CBC padding that happens to check out is not enough (1 in 256 did)', () => {
    const enc = encryptPrivateKey(pkcs8, 'changeit');
    const opened = Array.from({ length: 512 }, (_, i) => `wrong-${i}`).filter((p) => decryptPrivateKey(enc, p) !== undefined);
    expect(opened).to.deep.equal([]);
  });
});
