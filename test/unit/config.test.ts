import { expect } from 'chai';
import { DEFAULTS, resolveConfig } from '../../src/config.js';

describe('config: flags over env over defaults, frozen', () => {
  it('uses the defaults when nothing is given', () => {
    const c = resolveConfig({}, {});
    expect(c).to.deep.equal(DEFAULTS);
    expect(c.port).to.equal(8443);
    expect(c.host).to.equal('::');
    expect(c.maxConnections).to.equal(1000);
    expect(c.policyFile).to.equal(undefined);
    expect(Object.isFrozen(c)).to.equal(true);
  });

  const cases = [
    { name: 'env sets the port', flags: {}, env: { NIFI_CA_GUARD_PORT: '9443' }, want: { port: 9443 } },
    { name: 'a flag beats env', flags: { port: '7443' }, env: { NIFI_CA_GUARD_PORT: '9443' }, want: { port: 7443 } },
    { name: 'port 0 is allowed (any free port)', flags: { port: '0' }, env: {}, want: { port: 0 } },
    { name: 'empty env is ignored', flags: {}, env: { NIFI_CA_GUARD_HOST: '' }, want: { host: '::' } },
    { name: 'connection cap from env', flags: {}, env: { NIFI_CA_GUARD_MAX_CONNECTIONS: '200' }, want: { maxConnections: 200 } },
    { name: 'policy from env', flags: {}, env: { NIFI_CA_GUARD_POLICY: '/p.yaml' }, want: { policyFile: '/p.yaml' } },
    { name: 'tls paths and level', flags: { tlsCert: 'c', tlsKey: 'k', logLevel: 'debug' }, env: {}, want: { tlsCert: 'c', tlsKey: 'k', logLevel: 'debug' } },
    { name: 'grace and reload interval', flags: { shutdownGraceMs: '0', reloadIntervalMs: '250' }, env: {}, want: { shutdownGraceMs: 0, reloadIntervalMs: 250 } },
    { name: 'shutdown delay from env', flags: {}, env: { NIFI_CA_GUARD_SHUTDOWN_DELAY_MS: '0' }, want: { shutdownDelayMs: 0 } },
    { name: 'init image from env (the Deployment sets it)', flags: {}, env: { NIFI_CA_GUARD_INIT_IMAGE: 'reg.io/g:1' }, want: { initImage: 'reg.io/g:1' } },
    { name: 'init image by digest from the flag', flags: { initImage: `g@sha256:${'a'.repeat(64)}` }, env: {}, want: { initImage: `g@sha256:${'a'.repeat(64)}` } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(resolveConfig(c.flags, c.env)).to.include(c.want);
    });
  }

  it('refuses a connection cap of 0, naming the flag', () => {
    expect(() => resolveConfig({ maxConnections: '0' }, {})).to.throw(/^--max-connections: must be an integer from 1 to 100000, got "0"$/);
  });

  it('refuses an init image that is no image reference, naming the variable', () => {
    expect(() => resolveConfig({}, { NIFI_CA_GUARD_INIT_IMAGE: 'my image' })).to.throw(/^NIFI_CA_GUARD_INIT_IMAGE: must be an image reference .*"my image"$/);
  });

  it('the install sets the variable serve reads', async () => {
    const { INIT_IMAGE_ENV } = await import('../../src/install/names.js');
    const { ENV } = await import('../../src/config.js');
    expect(ENV.initImage).to.equal(INIT_IMAGE_ENV);
  });

  it('lists every invalid setting in one error, naming flag or variable', () => {
    expect(() =>
      resolveConfig({ port: '70000', logLevel: 'loud', shutdownGraceMs: '-1' }, { NIFI_CA_GUARD_TLS_RELOAD_INTERVAL_MS: 'soon' }),
    ).to.throw(/--port: .*70000.*; --log-level: .*; --shutdown-grace-ms: .*; NIFI_CA_GUARD_TLS_RELOAD_INTERVAL_MS: .*soon/);
  });

  describe('self-managed TLS settings', () => {
    const cases: Array<{ name: string; flags?: Record<string, string>; env?: Record<string, string>; sa?: string; want: Record<string, unknown> }> = [
      { name: 'defaults: file mode, the install\'s names, Kyverno-like timings', want: { tlsMode: 'file', tlsSecret: 'nifi-ca-guard-tls', webhookConfiguration: 'nifi-ca-guard', service: 'nifi-ca-guard', namespace: 'nifi-ca-guard', lease: 'nifi-ca-guard', tlsCaValidityMs: 365 * 86_400_000, tlsCertValidityMs: 150 * 86_400_000, tlsCertRenewBeforeMs: 15 * 86_400_000, tlsCaRenewBeforeMs: 30 * 86_400_000, tlsSyncIntervalMs: 10_000, tlsRolloutDelayMs: 120_000, leaseDurationMs: 15_000 } },
      { name: 'the mode by flag', flags: { tlsMode: 'self-managed' }, want: { tlsMode: 'self-managed' } },
      { name: 'the mode by env', env: { NIFI_CA_GUARD_TLS_MODE: 'self-managed' }, want: { tlsMode: 'self-managed' } },
      { name: 'namespace from the downward API', env: { POD_NAMESPACE: 'platform' }, want: { namespace: 'platform' } },
      { name: 'namespace from the service account file when no POD_NAMESPACE', sa: 'from-file\n', want: { namespace: 'from-file' } },
      { name: 'POD_NAMESPACE before the file, the flag before both', flags: { namespace: 'flagged' }, env: { POD_NAMESPACE: 'platform' }, sa: 'from-file', want: { namespace: 'flagged' } },
      { name: 'identity from the downward API', env: { POD_NAME: 'nifi-ca-guard-abc12' }, want: { identity: 'nifi-ca-guard-abc12' } },
      { name: 'durations in every unit', flags: { tlsSyncInterval: '250ms', tlsRolloutDelay: '2s', tlsCertRenewBefore: '1m', tlsCaRenewBefore: '2h', tlsCertValidity: '1d', tlsCaValidity: '2d', leaseDuration: '3s' }, want: { tlsSyncIntervalMs: 250, tlsRolloutDelayMs: 2000, tlsCertRenewBeforeMs: 60_000, tlsCaRenewBeforeMs: 7_200_000, tlsCertValidityMs: 86_400_000, tlsCaValidityMs: 172_800_000, leaseDurationMs: 3000 } },
      { name: 'names', flags: { tlsSecret: 'my.tls', webhookConfiguration: 'guard.example.com', service: 'guard', lease: 'guard-leader' }, want: { tlsSecret: 'my.tls', webhookConfiguration: 'guard.example.com', service: 'guard', lease: 'guard-leader' } },
    ];
    for (const c of cases) {
      it(c.name, () => {
        expect(resolveConfig(c.flags ?? {}, c.env ?? {}, { serviceAccountNamespace: c.sa })).to.include(c.want);
      });
    }

    const invalid: Array<{ name: string; flags: Record<string, string>; error: RegExp }> = [
      { name: 'an unknown mode', flags: { tlsMode: 'auto' }, error: /--tls-mode: must be one of file, self-managed, got "auto"/ },
      { name: 'a duration without unit', flags: { tlsSyncInterval: '10' }, error: /--tls-sync-interval: must be a duration/ },
      { name: 'a Service name that is no DNS label', flags: { service: 'Guard.svc' }, error: /--service: must be a DNS label/ },
      { name: 'a Secret name with a capital', flags: { tlsSecret: 'TLS' }, error: /--tls-secret: must be a DNS subdomain/ },
      { name: 'a rollout delay under 5 sync intervals', flags: { tlsSyncInterval: '1s', tlsRolloutDelay: '4s' }, error: /--tls-rollout-delay: must be at least 5 times --tls-sync-interval/ },
      { name: 'a renewal window shorter than a rotation', flags: { tlsRolloutDelay: '10m', tlsCertRenewBefore: '15m' }, error: /--tls-cert-renew-before: must be at least twice --tls-rollout-delay/ },
      { name: 'a CA renewed no earlier than its certificate', flags: { tlsCaRenewBefore: '15d' }, error: /--tls-ca-renew-before: must be longer than --tls-cert-renew-before/ },
      { name: 'a renewal window as long as the validity', flags: { tlsCertValidity: '15d' }, error: /--tls-cert-renew-before: must be shorter than --tls-cert-validity/ },
    ];
    for (const c of invalid) {
      it(`refuses ${c.name}, in one line`, () => {
        expect(() => resolveConfig(c.flags, {})).to.throw(c.error);
      });
    }
  });

  describe('the webhook configuration following the policies', () => {
    const cases: Array<{ name: string; flags?: Record<string, string | boolean>; env?: Record<string, string>; want?: Record<string, unknown>; error?: RegExp }> = [
      { name: 'on by default, checked every minute', want: { followPolicies: true, followPoliciesIntervalMs: 60_000 } },
      { name: '--follow-policies alone (commander hands over true)', flags: { followPolicies: true }, want: { followPolicies: true } },
      { name: '--follow-policies=false', flags: { followPolicies: 'false' }, want: { followPolicies: false } },
      { name: 'off by env', env: { NIFI_CA_GUARD_FOLLOW_POLICIES: 'false' }, want: { followPolicies: false } },
      { name: 'the flag wins over the env', flags: { followPolicies: 'true' }, env: { NIFI_CA_GUARD_FOLLOW_POLICIES: 'false' }, want: { followPolicies: true } },
      { name: 'an interval by env', env: { NIFI_CA_GUARD_FOLLOW_POLICIES_INTERVAL: '5s' }, want: { followPoliciesIntervalMs: 5000 } },
      { name: 'not a boolean', flags: { followPolicies: 'no' }, error: /--follow-policies: must be true or false, got "no"/ },
      { name: 'an interval under 100 ms', flags: { followPoliciesInterval: '10ms' }, error: /--follow-policies-interval: must be a duration .* at least 100 ms/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const resolve = () => resolveConfig(c.flags ?? {}, c.env ?? {});
        if (c.error) expect(resolve).to.throw(c.error);
        else expect(resolve()).to.include(c.want);
      });
    }
  });
});
