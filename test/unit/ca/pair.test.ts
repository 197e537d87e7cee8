// The bundle operations the write protocol relies on, the rotated subject, and the directory store's
// conditional writes (real files).
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptSecrets, initSecrets, pruneSecrets, readBundle, rotateSecrets } from '../../../src/ca/pin.js';
import { ANN_NEXT_CA_SHA256, secretData, secretManifest } from '../../../src/ca/secrets.js';
import { rotatedSubject } from '../../../src/ca/subject.js';
import { trustOnly, trustWith, trustWithout } from '../../../src/ca/trust-secret.js';
import { WriteConflict, DirStore } from '../../../src/cli/secret-store.js';
import { certInfo } from '../../../src/trust/cert.js';
import { makeCa } from '../../support/certs.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const DAY = 86400_000;

describe('ca/subject: a rotated CA is told apart by its CN', () => {
  const cases: [string, string[], string][] = [
    ['CN=nifi-ca, OU=NIFI', [], 'CN=nifi-ca #2, OU=NIFI'],
    ['CN=nifi-ca #2, OU=NIFI', ['CN=nifi-ca, OU=NIFI'], 'CN=nifi-ca #3, OU=NIFI'],
    // an orphan of an interrupted rotation already holds #2: the next one is #3
    ['CN=nifi-ca, OU=NIFI', ['CN=nifi-ca, OU=NIFI', 'CN=nifi-ca #2, OU=NIFI'], 'CN=nifi-ca #3, OU=NIFI'],
    // other names and other RDNs are not generations of this one
    ['CN=nifi-ca, OU=NIFI', ['CN=other #7, OU=NIFI', 'CN=nifi-ca #9, OU=ELSE', 'EMAILADDRESS=x'], 'CN=nifi-ca #2, OU=NIFI'],
    ['OU=NIFI', [], 'OU=NIFI'],
    ['CN=a\\, b, O=Test', [], 'CN=a\\, b #2, O=Test'],
    [`CN=${'x'.repeat(64)}`, [], `CN=${'x'.repeat(61)} #2`],
  ];
  for (const [current, taken, want] of cases) it(`${current} + [${taken.join(' | ')}] -> ${want}`, () => expect(rotatedSubject(current, taken)).to.equal(want));
  it('refuses a subject --subject could not give', () => expect(() => rotatedSubject('EMAILADDRESS=a@b', [])).to.throw(/unsupported attribute/));
});

describe('ca/trust-secret + pin: what keeps the pair consistent', function () {
  this.timeout(30_000);
  const old = makeCa({ subject: 'CN=nifi-ca, OU=NIFI', now: NOW, days: 30 });
  const next = makeCa({ subject: 'CN=nifi-ca #2, OU=NIFI', now: NOW, days: 365 });
  const third = makeCa({ subject: 'CN=nifi-ca #3, OU=NIFI', now: NOW, days: 365 });
  const init = (extra: Partial<Parameters<typeof initSecrets>[0]> = {}) =>
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
      ...extra,
    });
  const sha = (c: { cert: Buffer }) => certInfo(c.cert).sha256;

  it('every bundle write names the CA the private Secret switches to next', () => {
    const s = init();
    expect(s.trust.metadata.annotations[ANN_NEXT_CA_SHA256]).to.equal(sha(old));
    const r = rotateSecrets({ oldPrivate: s.private, oldTrust: s.trust, caCert: next.cert, privateKey: next.privateKey, now: NOW, salt: Buffer.alloc(20, 2) });
    expect(r.trust.metadata.annotations[ANN_NEXT_CA_SHA256]).to.equal(sha(next));
    expect(r.addedToBundle).to.equal(true);
  });

  it('init over an existing bundle (an interrupted init) appends to it', () => {
    const s = init();
    const other = makeCa({ subject: 'CN=other', now: NOW });
    const existing = { ...s.trust, data: { 'ca.crt': Buffer.from(other.pem).toString('base64') } };
    const again = init({ existingTrust: existing });
    expect(readBundle(again.trust)).to.equal(other.pem + old.pem);
    expect(again.addedToBundle).to.equal(true);
  });

  it('prune never drops the CA a command in flight switches to, even expired', () => {
    const s = init();
    const r = rotateSecrets({ oldPrivate: s.private, oldTrust: s.trust, caCert: next.cert, privateKey: next.privateKey, now: NOW, salt: Buffer.alloc(20, 2) });
    // the bundle says a switch to the old (soon expired) CA is in flight, while the private Secret holds next
    const inFlight = { ...r.trust, metadata: { ...r.trust.metadata, annotations: { ...r.trust.metadata.annotations, [ANN_NEXT_CA_SHA256]: sha(old) } } };
    const p = pruneSecrets(r.private, inFlight, new Date(NOW.getTime() + 31 * DAY));
    expect(p.dropped).to.deep.equal([]);
    expect(p.changed).to.equal(false);
    expect(pruneSecrets(r.private, r.trust, new Date(NOW.getTime() + 31 * DAY)).dropped.map((d) => d.sha256)).to.deep.equal([sha(old)]);
  });

  it('prune puts back an active CA the bundle lost', () => {
    const s = init();
    const other = makeCa({ subject: 'CN=other', now: NOW });
    const lost = { ...s.trust, data: { 'ca.crt': Buffer.from(other.pem).toString('base64') } };
    const p = pruneSecrets(s.private, lost, NOW);
    expect(p.restoredActive).to.equal(true);
    expect(p.changed).to.equal(true);
    expect(readBundle(p.trust)).to.equal(other.pem + old.pem);
  });

  it('trustWithout takes back one CA (and its next annotation); refuses to empty the bundle', () => {
    const s = init();
    const r = rotateSecrets({ oldPrivate: s.private, oldTrust: s.trust, caCert: next.cert, privateKey: next.privateKey, now: NOW, salt: Buffer.alloc(20, 2) });
    const back = trustWithout(r.trust, sha(next), NOW);
    expect(readBundle(back)).to.equal(old.pem);
    expect(back.metadata.annotations).not.to.have.property(ANN_NEXT_CA_SHA256);
    expect(() => trustWithout(s.trust, sha(old), NOW)).to.throw(/without a certificate/);
  });

  it('trustOnly shrinks to one CA, trustWith appends once', () => {
    const s = init();
    const grown = trustWith(s.trust, third.cert, NOW);
    expect(grown.added).to.equal(true);
    expect(trustWith(grown.trust, third.cert, NOW).added).to.equal(false);
    expect(readBundle(trustOnly(grown.trust, third.cert, NOW))).to.equal(third.pem);
  });

  it('adopt refuses an expired CA: nothing would trust what it issues', () => {
    const s = init();
    expect(() =>
      adoptSecrets({
        privateName: 'nifi-ca-keystore',
        trustName: 'nifi-ca-trust',
        configText: secretData(s.private, 'config.json')!.toString(),
        keystore: secretData(s.private, 'nifi-ca-keystore.jks')!,
        now: new Date(NOW.getTime() + 31 * DAY),
      }),
    ).to.throw(/expired on .*; pin a new one with ca init/);
  });
});

describe('cli/secret-store: DirStore writes only over what it read', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ncg-store-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));
  const secret = (v: string) => secretManifest('s', 'nifi', { k: v }, {});

  it('create is refused when the file exists; replace when it changed or vanished since read', async () => {
    const store = await DirStore.open(dir);
    try {
      const created = await store.create(secret('1'), { private: false });
      await store.create(secret('2'), { private: false }).then(
        () => expect.fail('created over an existing file'),
        (err: unknown) => expect((err as WriteConflict).kind).to.equal('exists'),
      );
      const read = (await store.get('s'))!;
      expect(read.version).to.equal(created.version);
      const replaced = await store.replace(secret('3'), read.version, { private: false });
      // someone edits the file after it was read
      const path = join(dir, 's.yaml');
      await writeFile(path, (await readFile(path, 'utf8')).replace('nifi', 'edited'));
      await store.replace(secret('4'), replaced.version, { private: false }).then(
        () => expect.fail('replaced a file changed since read'),
        (err: unknown) => {
          expect(err).to.be.instanceOf(WriteConflict);
          expect((err as WriteConflict).kind).to.equal('changed');
          expect((err as Error).message).to.equal(`Secret s (${path}) changed since it was read (another ca command, or someone else, wrote it)`);
        },
      );
      await rm(path);
      await store.replace(secret('5'), replaced.version, { private: false }).then(
        () => expect.fail('replaced a deleted file'),
        (err: unknown) => expect((err as WriteConflict).kind).to.equal('gone'),
      );
    } finally {
      await store.close();
    }
  });

  it('holds DIR/.nifi-ca-guard.lock while open: a second open is refused', async () => {
    const store = await DirStore.open(dir);
    try {
      await DirStore.open(dir).then(
        () => expect.fail('opened twice'),
        (err: unknown) => expect((err as Error).message).to.match(/another ca command holds .*\.nifi-ca-guard\.lock \(pid \d+/),
      );
    } finally {
      await store.close();
    }
    const again = await DirStore.open(dir);
    await again.close();
  });
});
