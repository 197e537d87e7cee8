import type { Command } from 'commander';
import { DEFAULTS, ENV, type ConfigFlags } from '../config.js';
import type { Register } from './index.js';

/** `nifi-ca-guard serve`: the webhook over HTTPS until SIGTERM or SIGINT. */
export const registerServe: Register = (program: Command) => {
  const d = DEFAULTS;
  program
    .command('serve')
    .description('serve the admission webhook over HTTPS (flags override NIFI_CA_GUARD_* environment variables)')
    .option('--port <n>', `listen port, 0 for any free port (${ENV.port}; default ${d.port})`)
    .option('--host <host>', `listen address (${ENV.host}; default ${d.host})`)
    .option('--tls-cert <file>', `PEM serving certificate, reloaded on change (${ENV.tlsCert}; default ${d.tlsCert})`)
    .option('--tls-key <file>', `PEM private key (${ENV.tlsKey}; default ${d.tlsKey})`)
    .option('--policy <file>', `NiFiTrustPolicy file (${ENV.policy}; default: the built-in policy)`)
    .option('--watch-policies', `also use the cluster's NiFiTrustPolicy objects (${ENV.watchPolicies}=true; default off)`)
    .option('--init-image <image>', `image of the injected init containers for policies that name none; installs set it to the webhook's own image (${ENV.initImage}; default nifi-ca-guard:<version>)`)
    .option('--log-level <level>', `fatal, error, warn, info, debug, trace or silent (${ENV.logLevel}; default ${d.logLevel})`)
    .option('--shutdown-delay-ms <ms>', `after SIGTERM, keep serving with /readyz 503 this long before closing the listener; none on SIGINT (${ENV.shutdownDelayMs}; default ${d.shutdownDelayMs})`)
    .option('--shutdown-grace-ms <ms>', `then time for in-flight requests (${ENV.shutdownGraceMs}; default ${d.shutdownGraceMs})`)
    .option('--reload-interval-ms <ms>', `how often the TLS and policy files are checked (${ENV.reloadIntervalMs}; default ${d.reloadIntervalMs})`)
    .action(async (flags: ConfigFlags) => {
      // Loaded only when serving: express, prom-client and the TLS stack are not needed by
      // preview or by the init containers, which start once per pod.
      const { runServe } = await import('./serve-run.js');
      await runServe(flags);
    });
};
