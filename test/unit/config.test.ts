import { expect } from 'chai';
import { DEFAULTS, resolveConfig } from '../../src/config.js';

describe('config: flags over env over defaults, frozen', () => {
  it('uses the defaults when nothing is given', () => {
    const c = resolveConfig({}, {});
    expect(c).to.deep.equal(DEFAULTS);
    expect(c.port).to.equal(8443);
    expect(c.host).to.equal('0.0.0.0');
    expect(c.policyFile).to.equal(undefined);
    expect(Object.isFrozen(c)).to.equal(true);
  });

  const cases = [
    { name: 'env sets the port', flags: {}, env: { NIFI_CA_GUARD_PORT: '9443' }, want: { port: 9443 } },
    { name: 'a flag beats env', flags: { port: '7443' }, env: { NIFI_CA_GUARD_PORT: '9443' }, want: { port: 7443 } },
    { name: 'port 0 is allowed (any free port)', flags: { port: '0' }, env: {}, want: { port: 0 } },
    { name: 'empty env is ignored', flags: {}, env: { NIFI_CA_GUARD_HOST: '' }, want: { host: '0.0.0.0' } },
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
});
