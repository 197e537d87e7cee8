import { expect } from 'chai';
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createLogger } from '../../src/log.js';
import { readPair } from '../../src/tls/pair.js';
import { watchPair, type Reloader } from '../../src/tls/reload.js';
import type { IssuedCertificates } from '../../src/tls/issue.js';
import { request, servedCertificate, startTestServer, type TestServer } from '../support/https.js';
import { LogCapture } from '../support/logs.js';
import { issueForTests } from '../support/pki.js';
import { eventually } from '../support/wait.js';

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

/** Lays files out as a Kubernetes Secret volume does: tls.crt -> ..data/tls.crt, ..data -> ..<version>. */
class SecretVolume {
  readonly dir = mkdtempSync(join(tmpdir(), 'secret-vol-'));
  #version = 0;
  readonly certFile = join(this.dir, 'tls.crt');
  readonly keyFile = join(this.dir, 'tls.key');

  constructor(cert: string, key: string) {
    this.publish(cert, key);
    symlinkSync('..data/tls.crt', this.certFile);
    symlinkSync('..data/tls.key', this.keyFile);
  }

  /** An atomic swap of the ..data symlink, like the kubelet's AtomicWriter. */
  publish(cert: string, key: string): void {
    const version = `..v${++this.#version}`;
    mkdirSync(join(this.dir, version));
    writeFileSync(join(this.dir, version, 'tls.crt'), cert);
    writeFileSync(join(this.dir, version, 'tls.key'), key);
    symlinkSync(version, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
  }
}

describe('tls/reload: a new certificate on disk is served without a restart', () => {
  let a: IssuedCertificates;
  let b: IssuedCertificates;
  let srv: TestServer;
  let vol: SecretVolume;
  let logs: LogCapture;
  let reloader: Reloader;
  const cas = (): string[] => [a.caCert, b.caCert];

  before(() => {
    a = issueForTests();
    b = issueForTests();
  });

  const watch = (intervalMs: number) =>
    watchPair({
      certFile: vol.certFile,
      keyFile: vol.keyFile,
      target: srv.running.server,
      initial: readPair(vol.certFile, vol.keyFile),
      logger: createLogger('info', logs),
      intervalMs,
    });

  beforeEach(async () => {
    vol = new SecretVolume(a.cert, a.key);
    srv = await startTestServer({ tls: a });
    logs = new LogCapture();
    reloader = watch(3_600_000); // tests call check() themselves, except the polling test
  });

  afterEach(async () => {
    reloader.stop();
    await srv.close();
  });

  it('serves the new certificate on a fresh connection after a ..data symlink swap', async () => {
    expect((await servedCertificate(srv.port, cas())).fingerprint256).to.equal(fingerprint(a.cert));
    vol.publish(b.cert, b.key);
    expect(reloader.check()).to.equal(true);
    const served = await servedCertificate(srv.port, cas());
    expect(served.fingerprint256).to.equal(fingerprint(b.cert));
    expect(served.serialNumber).to.equal(new X509Certificate(b.cert).serialNumber);
    expect(reloader.current().fingerprint256).to.equal(fingerprint(b.cert));
    expect(logs.records().some((r) => r.msg === 'tls certificate reloaded')).to.equal(true);
  });

  it('does nothing when the files have not changed', () => {
    expect(reloader.check()).to.equal(false);
    expect(logs.lines).to.have.length(0);
  });

  const broken: Array<{ name: string; cert: () => string; key: () => string }> = [
    { name: 'a mismatched pair (new cert, old key)', cert: () => b.cert, key: () => a.key },
    { name: 'a half-written certificate', cert: () => b.cert.slice(0, b.cert.length / 2), key: () => b.key },
    { name: 'a half-written key', cert: () => b.cert, key: () => b.key.slice(0, 200) },
    { name: 'empty files', cert: () => '', key: () => '' },
  ];
  for (const c of broken) {
    it(`keeps serving the old certificate over ${c.name}, logs once without PEM`, async () => {
      vol.publish(c.cert(), c.key());
      expect(reloader.check()).to.equal(false);
      expect(reloader.check()).to.equal(false);
      const served = await servedCertificate(srv.port, cas());
      expect(served.fingerprint256).to.equal(fingerprint(a.cert));
      const res = await request(srv.port, { path: '/healthz', ca: a.caCert });
      expect(res.status).to.equal(200);
      const warnings = logs.records().filter((r) => r.level === 40);
      expect(warnings).to.have.length(1);
      expect(logs.text()).to.not.match(/BEGIN|MII/);
      // Once the pair is whole again it is picked up.
      vol.publish(b.cert, b.key);
      expect(reloader.check()).to.equal(true);
      expect((await servedCertificate(srv.port, cas())).fingerprint256).to.equal(fingerprint(b.cert));
    });
  }

  it('keeps the old certificate while the files are missing', async () => {
    const gone = watchPair({
      certFile: join(vol.dir, 'nope.crt'),
      keyFile: vol.keyFile,
      target: srv.running.server,
      initial: reloader.current(),
      logger: createLogger('info', logs),
      intervalMs: 3_600_000,
    });
    try {
      expect(gone.check()).to.equal(false);
      expect((await servedCertificate(srv.port, cas())).fingerprint256).to.equal(fingerprint(a.cert));
      expect(logs.text()).to.include('ENOENT');
    } finally {
      gone.stop();
    }
  });

  it('notices a change by itself when polling', async () => {
    reloader.stop();
    reloader = watch(50);
    vol.publish(b.cert, b.key);
    await eventually(async () => {
      expect((await servedCertificate(srv.port, cas())).fingerprint256).to.equal(fingerprint(b.cert));
    });
  });

  it('replaces plain files written in place too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plain-'));
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    writeFileSync(certFile, a.cert);
    writeFileSync(keyFile, a.key);
    reloader.stop();
    reloader = watchPair({ certFile, keyFile, target: srv.running.server, initial: readPair(certFile, keyFile), logger: createLogger('info', logs), intervalMs: 3_600_000 });
    writeFileSync(certFile, b.cert);
    expect(reloader.check()).to.equal(false); // key not yet written: mismatch, old context kept
    writeFileSync(keyFile, b.key);
    expect(reloader.check()).to.equal(true);
    expect((await servedCertificate(srv.port, cas())).fingerprint256).to.equal(fingerprint(b.cert));
  });
});
