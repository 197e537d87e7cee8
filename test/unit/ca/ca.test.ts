import { expect } from 'chai';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { parseDn, encodeDn } from '../../../src/pki/dn.js';
import { generateKeyPair, selfSignedCa } from '../../../src/ca/generate.js';
import { adoptSecrets, initSecrets, pruneSecrets, readBundle, readPrivateSecret, rotateSecrets } from '../../../src/ca/pin.js';
import { appendToBundle, pruneBundle, RotationError } from '../../../src/ca/rotate.js';
import { secretData } from '../../../src/ca/secrets.js';
import { parseToolkitConfig, toolkitConfig, toolkitKeystore } from '../../../src/ca/toolkit.js';
import { certInfo } from '../../../src/trust/cert.js';
import { count } from '../../support/der.js';
import { readJks, recoverKey } from '../../../src/trust/jks.js';
import { readPkcs12 } from '../../../src/pki/pkcs12-read.js';
import { DAY, makeCa, makeLeaf, NOW } from '../../support/certs.js';

describe('ca/dn', () => {
  const good: [string, string[]][] = [
    ['CN=nifi-ca, OU=NIFI', ['CN=nifi-ca', 'OU=NIFI']],
    ['cn=x,o=Example\\, Inc,c=DE', ['CN=x', 'O=Example, Inc', 'C=DE']],
    ['CN=a, DC=example, DC=com', ['CN=a', 'DC=example', 'DC=com']],
  ];
  for (const [text, want] of good) it(`parses ${text}`, () => expect(parseDn(text).map((r) => `${r.type}=${r.value}`)).to.deep.equal(want));
  const bad: [string, RegExp][] = [
    ['', /bad distinguished name/],
    ['nifi-ca', /expected TYPE=value/],
    ['CN=', /empty value/],
    ['XX=1', /unsupported attribute/],
    ['C=Germany', /two-letter/],
  ];
  for (const [text, msg] of bad) it(`refuses ${JSON.stringify(text)}`, () => expect(() => parseDn(text)).to.throw(msg));
  it('encodes most-general RDN first, and prints back as typed', () => {
    const ca = makeCa({ subject: 'CN=nifi-ca, OU=NIFI, O=Example' });
    expect(certInfo(ca.cert).subject).to.equal('CN=nifi-ca, OU=NIFI, O=Example');
    expect(count(encodeDn('CN=a, O=b'))).to.equal(2);
  });
});

describe('ca/generate + x509', function () {
  this.timeout(60_000);
  for (const key of ['rsa', 'ecdsa'] as const) {
    it(`${key}: a self-signed CA that Node's X.509 verifies, with a backdated notBefore`, () => {
      const ca = makeCa({ key, days: 10 });
      const x = new X509Certificate(ca.cert);
      expect(x.ca).to.equal(true);
      expect(x.verify(createPublicKey(ca.privateKey))).to.equal(true);
      const info = certInfo(ca.cert);
      expect(info.notBefore.getTime()).to.be.below(NOW.getTime());
      expect(info.notAfter.getTime()).to.equal(NOW.getTime() + 10 * DAY);
    });
  }
  it('a leaf is issued by its CA and is not a CA', () => {
    const ca = makeCa();
    const leaf = makeLeaf(ca);
    const x = new X509Certificate(leaf.cert);
    expect(x.ca).to.equal(false);
    expect(x.checkIssued(new X509Certificate(ca.cert))).to.equal(true);
    expect(x.verify(createPublicKey(ca.privateKey))).to.equal(true);
    expect(x.checkIP('127.0.0.1')).to.equal('127.0.0.1');
  });
  it('refuses RSA keys under 2048 bits and non-positive lifetimes', () => {
    expect(() => generateKeyPair({ algorithm: 'rsa', rsaBits: 1024 })).to.throw(/2048/);
    const keys = generateKeyPair({ algorithm: 'ecdsa' });
    expect(() => selfSignedCa(keys, 'CN=x', NOW, 0, Buffer.from([1]))).to.throw(/positive/);
  });
});

describe('ca/toolkit: the toolkit working-directory layout', function () {
  this.timeout(60_000);
  const ca = makeCa({ key: 'rsa' });
  const base = {
    caCert: ca.cert,
    privateKey: ca.privateKey,
    password: 'ks-password',
    token: 'sixteen-chars-token',
    caHostname: 'nifi-ca',
    port: 9090,
    leafDays: 825,
    now: NOW,
    salt: Buffer.alloc(20, 5),
  };
  it('config.json carries the field names the toolkit reads', () => {
    const cfg = toolkitConfig({ ...base, keystoreType: 'jks' });
    expect(Object.keys(cfg)).to.include.members(['keyStore', 'keyStoreType', 'keyStorePassword', 'keyPassword', 'token', 'caHostname', 'port', 'dn', 'days']);
    expect(cfg.keyStore).to.equal('nifi-ca-keystore.jks');
    expect(cfg.keyStorePassword).to.equal(cfg.keyPassword);
    expect(cfg.dn).to.equal('CN=nifi-ca, OU=NIFI');
    expect(toolkitConfig({ ...base, keystoreType: 'pkcs12' }).keyStore).to.equal('nifi-ca-keystore.pkcs12');
  });
  it('refuses a token under 16 characters', () => {
    expect(() => toolkitConfig({ ...base, token: 'short', keystoreType: 'jks' })).to.throw(/16/);
  });
  it('jks: one key entry nifi-key whose chain is the CA and whose key opens with keyPassword', () => {
    const ks = toolkitKeystore({ ...base, keystoreType: 'jks' });
    const [entry, ...rest] = readJks(ks, 'ks-password');
    expect(rest).to.have.length(0);
    expect(entry!.alias).to.equal('nifi-key');
    expect(entry!.kind).to.equal('key');
    expect(entry!.certs[0]!.equals(ca.cert)).to.equal(true);
    const pkcs8 = recoverKey(entry!.protectedKey!, 'ks-password');
    expect(pkcs8.equals(ca.privateKey.export({ type: 'pkcs8', format: 'der' }))).to.equal(true);
  });
  it('pkcs12: the CA certificate is bound to the key entry nifi-key', () => {
    const ks = toolkitKeystore({ ...base, keystoreType: 'pkcs12' });
    const r = readPkcs12(ks, 'ks-password');
    expect(r.entries.map((e) => [e.alias, e.kind])).to.deep.equal([['nifi-key', 'key-cert']]);
  });
  const badConfigs: [string, RegExp][] = [
    ['not json', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"keyStorePassword":"x","token":"t"}', /no keyStore/],
    ['{"keyStore":"../etc/passwd","keyStorePassword":"x","token":"t"}', /file name/],
    ['{"keyStore":"k","keyStorePassword":"x","token":"t","keyStoreType":"BCFKS"}', /not supported/],
  ];
  for (const [text, msg] of badConfigs) it(`parseToolkitConfig refuses ${text}`, () => expect(() => parseToolkitConfig(text)).to.throw(msg));
});

describe('ca/rotate + pin: overlap, pruning, Secrets', function () {
  this.timeout(60_000);
  const old = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', days: 30 });
  const next = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', days: 365 });

  it('appendToBundle keeps the old CA and adds the new one once', () => {
    const r = appendToBundle(old.pem, next.cert);
    expect(r.certs.map((c) => c.sha256)).to.deep.equal([certInfo(old.cert).sha256, certInfo(next.cert).sha256]);
    expect(appendToBundle(r.text, next.cert).added).to.equal(false);
  });
  it('appendToBundle refuses a non-CA', () => {
    expect(() => appendToBundle(old.pem, makeLeaf(old).cert)).to.throw(RotationError, /not a CA/);
  });
  it('pruneBundle drops expired CAs at the pinned clock, not before', () => {
    const bundle = old.pem + next.pem;
    expect(pruneBundle(bundle, NOW).dropped).to.have.length(0);
    const later = new Date(NOW.getTime() + 31 * DAY);
    const r = pruneBundle(bundle, later);
    expect(r.dropped.map((d) => d.sha256)).to.deep.equal([certInfo(old.cert).sha256]);
    expect(r.kept.map((d) => d.sha256)).to.deep.equal([certInfo(next.cert).sha256]);
  });
  it('pruneBundle keeps the active CA and refuses to empty the bundle', () => {
    const later = new Date(NOW.getTime() + 400 * DAY);
    expect(() => pruneBundle(old.pem + next.pem, later)).to.throw(RotationError, /without a valid CA/);
    const r = pruneBundle(old.pem + next.pem, new Date(NOW.getTime() + 31 * DAY), [certInfo(old.cert).sha256]);
    expect(r.dropped).to.have.length(0);
  });

  const init = () =>
    initSecrets({
      namespace: 'nifi',
      privateName: 'nifi-ca-keystore',
      trustName: 'nifi-ca-trust',
      caCert: old.cert,
      privateKey: old.privateKey,
      keystoreType: 'jks',
      password: 'pw-pw-pw',
      token: 'a-token-of-16-chars',
      caHostname: 'nifi-ca',
      port: 9090,
      leafDays: 825,
      now: NOW,
      salt: Buffer.alloc(20, 1),
    });

  it('initSecrets: private Secret in the toolkit layout, public bundle with the CA', () => {
    const s = init();
    expect(Object.keys(s.private.data).sort()).to.deep.equal(['config.json', 'nifi-ca-keystore.jks']);
    expect(Object.keys(s.trust.data)).to.deep.equal(['ca.crt']);
    expect(s.private.metadata.namespace).to.equal('nifi');
    expect(readPrivateSecret(s.private).caCert.equals(old.cert)).to.equal(true);
    expect(readBundle(s.trust)).to.equal(old.pem);
    // public fingerprint annotation only; no secret material in metadata
    expect(JSON.stringify(s.private.metadata)).not.to.include('pw-pw-pw');
  });

  it('rotateSecrets: new CA in the keystore, same passwords and token, bundle = old + new', () => {
    const s = init();
    const r = rotateSecrets({ oldPrivate: s.private, oldTrust: s.trust, caCert: next.cert, privateKey: next.privateKey, now: NOW, salt: Buffer.alloc(20, 2) });
    const before = JSON.parse(secretData(s.private, 'config.json')!.toString());
    const after = JSON.parse(secretData(r.private, 'config.json')!.toString());
    expect(after.token).to.equal(before.token);
    expect(after.keyStorePassword).to.equal(before.keyStorePassword);
    expect(readPrivateSecret(r.private).caCert.equals(next.cert)).to.equal(true);
    expect(r.bundleSize).to.equal(2);
    expect(readBundle(r.trust)).to.equal(old.pem + next.pem);
    expect(r.trust.metadata.namespace).to.equal('nifi');
  });

  it('rotateSecrets: the key in the new keystore opens with the keyPassword the new config.json names', () => {
    // An adopted CA from `tls-toolkit.sh server --differentKeyAndKeyStorePasswords`: two passwords.
    const s = init();
    const cfg = { ...JSON.parse(secretData(s.private, 'config.json')!.toString()), keyPassword: 'a-different-key-pw' };
    const adopted = { ...s.private, data: { ...s.private.data, 'config.json': Buffer.from(JSON.stringify(cfg)).toString('base64') } };
    const r = rotateSecrets({ oldPrivate: adopted, oldTrust: s.trust, caCert: next.cert, privateKey: next.privateKey, now: NOW, salt: Buffer.alloc(20, 2) });
    const after = JSON.parse(secretData(r.private, 'config.json')!.toString());
    const key = readJks(secretData(r.private, after.keyStore)!, after.keyStorePassword).find((e) => e.kind === 'key')!;
    expect(() => recoverKey(key.protectedKey!, after.keyPassword)).not.to.throw();
  });

  it('rotateSecrets keeps the identity read (resourceVersion: the precondition), ownerReferences, finalizers, labels, annotations and type', () => {
    const s = init();
    const live = (m: typeof s.private) => ({
      ...m,
      type: 'example.com/ca',
      metadata: {
        ...m.metadata,
        labels: { ...m.metadata.labels, team: 'data' },
        annotations: { ...m.metadata.annotations, note: 'x' },
        resourceVersion: '42',
        uid: 'u',
        ownerReferences: [{ kind: 'ConfigMap', name: 'o' }],
        finalizers: ['f'],
        managedFields: [{ manager: 'kubectl' }],
      },
    });
    const r = rotateSecrets({ oldPrivate: live(s.private), oldTrust: live(s.trust), caCert: next.cert, privateKey: next.privateKey, now: NOW, salt: Buffer.alloc(20, 2) });
    for (const x of [r.private, r.trust]) {
      const m = x.metadata;
      expect(m.labels).to.include({ team: 'data', 'app.kubernetes.io/managed-by': 'nifi-ca-guard' });
      expect(m.annotations).to.include({ note: 'x' });
      expect(m).to.include({ resourceVersion: '42', uid: 'u' });
      expect(m.ownerReferences).to.deep.equal([{ kind: 'ConfigMap', name: 'o' }]);
      expect(m.finalizers).to.deep.equal(['f']);
      expect(m).not.to.have.property('managedFields');
      expect(x.type).to.equal('example.com/ca');
    }
    expect(r.trust.metadata.annotations['nifi-ca-guard.io/next-ca-sha256']).to.equal(certInfo(next.cert).sha256);
    expect(r.private.metadata.annotations['nifi-ca-guard.io/ca-sha256']).to.equal(certInfo(next.cert).sha256);
  });

  it('adoptSecrets over existing Secrets keeps their labels and annotations, and the bundle', () => {
    const s = init();
    const live = (m: typeof s.private) => ({ ...m, metadata: { ...m.metadata, labels: { ...m.metadata.labels, team: 'data' }, annotations: { ...m.metadata.annotations, note: 'x' }, resourceVersion: '42' } });
    const other = makeCa({ subject: 'CN=other' });
    const trust = live({ ...s.trust, data: { 'ca.crt': Buffer.from(other.pem).toString('base64') } });
    const r = adoptSecrets({
      namespace: 'nifi',
      privateName: 'nifi-ca-keystore',
      trustName: 'nifi-ca-trust',
      configText: secretData(s.private, 'config.json')!.toString(),
      keystore: secretData(s.private, 'nifi-ca-keystore.jks')!,
      existingPrivate: live(s.private),
      existingTrust: trust,
      now: NOW,
    });
    for (const m of [r.private.metadata, r.trust.metadata]) {
      expect(m.labels).to.include({ team: 'data', 'app.kubernetes.io/managed-by': 'nifi-ca-guard' });
      expect(m.annotations).to.include({ note: 'x' });
      expect(m.resourceVersion).to.equal('42');
    }
    expect(readBundle(r.trust)).to.equal(other.pem + old.pem);
  });

  it('rotateSecrets puts the current CA back when the bundle lost it', () => {
    const s = init();
    const other = makeCa({ subject: 'CN=other' });
    const edited = { ...s.trust, data: { 'ca.crt': Buffer.from(other.pem).toString('base64') } };
    const r = rotateSecrets({ oldPrivate: s.private, oldTrust: edited, caCert: next.cert, privateKey: next.privateKey, now: NOW, salt: Buffer.alloc(20, 2) });
    expect(r.restoredCurrent).to.equal(true);
    expect(readBundle(r.trust)).to.equal(other.pem + old.pem + next.pem);
  });

  it('pruneSecrets: after the old CA expires only the active CA is left', () => {
    const s = init();
    const r = rotateSecrets({ oldPrivate: s.private, oldTrust: s.trust, caCert: next.cert, privateKey: next.privateKey, now: NOW, salt: Buffer.alloc(20, 2) });
    const p = pruneSecrets(r.private, r.trust, new Date(NOW.getTime() + 31 * DAY));
    expect(p.dropped.map((d) => d.subject)).to.deep.equal(['CN=nifi-ca, OU=NIFI']);
    expect(readBundle(p.trust)).to.equal(next.pem);
  });
});
