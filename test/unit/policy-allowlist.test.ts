import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, resolveConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { DEFAULT_IMAGE } from '../../src/policy/defaults.js';
import { watchPolicyFile } from '../../src/policy/file-watch.js';
import { defaultAllowedImages, imageAllowed, imagePatternProblem, repositoryOf } from '../../src/policy/image.js';
import { readPolicyFile } from '../../src/policy/load.js';
import { PolicyStore } from '../../src/policy/store.js';
import { validatePolicy } from '../../src/policy/validate.js';
import { LogCapture } from '../support/logs.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

// Issue 10: whoever may write a NiFiTrustPolicy chose the init image that runs beside the CA key.
describe('init image allowlist: patterns', () => {
  const cases: Array<{ image: string; patterns: string[]; allowed: boolean }> = [
    { image: 'reg.io/guard:1.0', patterns: ['reg.io/guard:*'], allowed: true },
    { image: `reg.io/guard@${DIGEST}`, patterns: ['reg.io/guard:*'], allowed: false },
    { image: `reg.io/guard@${DIGEST}`, patterns: ['reg.io/guard@sha256:*'], allowed: true },
    { image: `reg.io/guard:1.0@${DIGEST}`, patterns: ['reg.io/guard@sha256:*'], allowed: true }, // pulled by digest
    { image: `reg.io/guard:1.0@${DIGEST}`, patterns: ['reg.io/guard:1.0'], allowed: false },
    { image: `reg.io/guard:1.0@${DIGEST}`, patterns: ['other.io/guard@sha256:*'], allowed: false },
    { image: 'reg.io/guard:1.0', patterns: ['reg.io/guard@sha256:*'], allowed: false },
    { image: 'reg.io/guard-evil:1.0', patterns: ['reg.io/guard:*'], allowed: false },
    { image: 'reg.io/guard/evil:1.0', patterns: ['reg.io/guard*'], allowed: false }, // * never crosses "/"
    { image: 'reg.io/evil/guard:1.0', patterns: ['reg.io/*:*'], allowed: false },
    { image: 'reg.io/team/guard:1.0', patterns: ['reg.io/*/guard:*'], allowed: true },
    { image: 'reg.io.evil.com/guard:1.0', patterns: ['reg.io/guard:*'], allowed: false },
    { image: 'regXio/guard:1.0', patterns: ['reg.io/guard:*'], allowed: false }, // "." is literal
    { image: 'guard:1.0', patterns: ['docker.io/library/guard:*'], allowed: false }, // matched as written
    { image: 'reg.io/guard:1.0', patterns: ['other.io/x:*', 'reg.io/guard:1.0'], allowed: true },
  ];
  for (const c of cases) {
    it(`${c.image} against ${c.patterns.join(', ')}: ${c.allowed ? 'allowed' : 'refused'}`, () => {
      expect(imageAllowed(c.image, c.patterns)).to.equal(c.allowed);
    });
  }

  it('knows a repository with a registry port, and the default allowlist is its tags and digests', () => {
    expect(repositoryOf('reg.io:5000/team/guard:1.0')).to.equal('reg.io:5000/team/guard');
    expect(repositoryOf(`reg.io:5000/guard@${DIGEST}`)).to.equal('reg.io:5000/guard');
    expect(repositoryOf('reg.io:5000/guard')).to.equal('reg.io:5000/guard');
    expect(defaultAllowedImages('reg.io:5000/guard:1.0')).to.deep.equal(['reg.io:5000/guard:*', 'reg.io:5000/guard@*']);
  });

  it('refuses patterns that cannot match an image reference', () => {
    for (const ok of ['reg.io/guard@sha256:*', 'reg.io/guard:*', 'reg.io/*/guard:1.*', 'guard:1.0']) expect(imagePatternProblem(ok), ok).to.equal(undefined);
    for (const bad of ['', 'reg.io/guard :*', 'REG/Guard:*', 'reg.io/guard:*,x']) expect(imagePatternProblem(bad), bad).to.match(/^must be an image pattern such as /);
  });
});

describe('init image allowlist: policy validation', () => {
  const allowed = ['reg.io/guard@sha256:*'];
  const policy = (trust: unknown, pinning?: unknown) => ({
    apiVersion: 'nifi-ca-guard.io/v1alpha1',
    kind: 'NiFiTrustPolicy',
    metadata: { name: 'p' },
    spec: { trustBundle: { initContainer: trust }, ...(pinning ? { caPinning: { initContainer: pinning } } : {}) },
  });

  it('refuses an image outside the allowlist with its field path, for both init containers', () => {
    const r = validatePolicy(policy({ image: 'evil.io/x:latest' }, { image: 'reg.io/guard:1.0' }), { initImage: `reg.io/guard@${DIGEST}`, allowedInitImages: allowed });
    expect(r.ok).to.equal(false);
    expect(r.ok ? [] : r.issues).to.deep.equal([
      "spec.trustBundle.initContainer.image: evil.io/x:latest is not allowed by the webhook's --allowed-init-images (reg.io/guard@sha256:*): name an allowed image, preferably by digest, or leave it out to run the webhook's own",
      "spec.caPinning.initContainer.image: reg.io/guard:1.0 is not allowed by the webhook's --allowed-init-images (reg.io/guard@sha256:*): name an allowed image, preferably by digest, or leave it out to run the webhook's own",
    ]);
  });

  it('accepts an allowed digest, and a policy naming no image (it runs the init image)', () => {
    const named = validatePolicy(policy({ image: `reg.io/guard@${DIGEST}` }), { allowedInitImages: allowed });
    expect(named.ok && named.policy.spec.caPinning.initContainer.image).to.equal(`reg.io/guard@${DIGEST}`);
    const unnamed = validatePolicy(policy({}), { initImage: `reg.io/guard@${DIGEST}`, allowedInitImages: allowed });
    expect(unnamed.ok && unnamed.policy.spec.trustBundle.initContainer.image).to.equal(`reg.io/guard@${DIGEST}`);
  });

  it('with an allowlist, refuses a named image that is no image reference', () => {
    const r = validatePolicy(policy({ image: 'reg.io/guard:@' }), { allowedInitImages: ['reg.io/guard:*'] });
    expect(r.ok ? [] : r.issues).to.deep.equal(['spec.trustBundle.initContainer.image: must be an image reference such as registry.example.com/nifi-ca-guard:1.2.3, got "reg.io/guard:@"']);
  });

  it('without an allowlist (offline tools) any image reference is accepted, as before', () => {
    expect(validatePolicy(policy({ image: 'evil.io/x:latest' })).ok).to.equal(true);
  });

  it('a reloaded policy file naming a refused image is logged with its field path; the last good policy stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'allowlist-'));
    const file = join(dir, 'policy.yaml');
    const text = (image: string) => `apiVersion: nifi-ca-guard.io/v1alpha1\nkind: NiFiTrustPolicy\nmetadata: {name: p}\nspec:\n  trustBundle:\n    initContainer: {image: "${image}"}\n`;
    writeFileSync(file, text(`reg.io/guard@${DIGEST}`));
    const defaults = { allowedInitImages: allowed };
    const store = new PolicyStore(readPolicyFile(file, defaults).policy, defaults);
    const logs = new LogCapture();
    const watch = watchPolicyFile(file, store, createLogger('info', logs), 60_000);
    try {
      writeFileSync(file, text('evil.io/x:latest'));
      expect(watch.check()).to.equal(false);
      expect(store.current().spec.trustBundle.initContainer.image).to.equal(`reg.io/guard@${DIGEST}`);
      const problem = logs.records().find((r) => r.msg === 'policy problem');
      expect(problem?.issue).to.match(/^spec\.trustBundle\.initContainer\.image: evil\.io\/x:latest is not allowed/);
    } finally {
      watch.stop();
    }
  });
});

describe('init image allowlist: serve settings', () => {
  it('defaults to the tags and digests of the init image repository (the webhook\'s own image)', () => {
    expect(DEFAULTS.allowedInitImages).to.deep.equal([`${DEFAULT_IMAGE.split(':')[0]}:*`, `${DEFAULT_IMAGE.split(':')[0]}@*`]);
    expect(resolveConfig({}, { NIFI_CA_GUARD_INIT_IMAGE: 'reg.io/guard:2' }).allowedInitImages).to.deep.equal(['reg.io/guard:*', 'reg.io/guard@*']);
  });

  it('takes comma-separated patterns from the flag or the variable', () => {
    const c = resolveConfig({ initImage: `reg.io/guard@${DIGEST}` }, { NIFI_CA_GUARD_ALLOWED_INIT_IMAGES: 'reg.io/guard@sha256:*, mirror.io/guard@sha256:*' });
    expect(c.allowedInitImages).to.deep.equal(['reg.io/guard@sha256:*', 'mirror.io/guard@sha256:*']);
    expect(Object.isFrozen(c.allowedInitImages)).to.equal(true);
  });

  it('refuses an init image its own allowlist would refuse, and bad patterns, naming flag or variable', () => {
    expect(() => resolveConfig({ initImage: 'reg.io/guard:2', allowedInitImages: 'reg.io/guard@sha256:*' }, {})).to.throw(
      /^--init-image: reg\.io\/guard:2 is not allowed by --allowed-init-images \(reg\.io\/guard@sha256:\*\)$/,
    );
    expect(() => resolveConfig({}, { NIFI_CA_GUARD_ALLOWED_INIT_IMAGES: 'bad pattern' })).to.throw(/^NIFI_CA_GUARD_ALLOWED_INIT_IMAGES: must be an image pattern such as /);
    expect(() => resolveConfig({ allowedInitImages: ' , ' }, {})).to.throw(/^--allowed-init-images: must name at least one image pattern$/);
  });
});
