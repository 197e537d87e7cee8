import type { Command } from 'commander';
import { DEFAULTS, ENV, formatDuration as f, type ConfigFlags } from '../config.js';
import type { Register } from './index.js';

/** `nifi-ca-guard serve`: the webhook over HTTPS until SIGTERM or SIGINT. */
export const registerServe: Register = (program: Command) => {
  const d = DEFAULTS;
  program
    .command('serve')
    .description('serve the admission webhook over HTTPS (flags override NIFI_CA_GUARD_* environment variables)')
    .option('--port <n>', `listen port, 0 for any free port (${ENV.port}; default ${d.port})`)
    .option('--host <host>', `listen address (${ENV.host}; default ${d.host}: IPv6 and IPv4, or 0.0.0.0 where the host has no IPv6)`)
    .option('--max-connections <n>', `open connections beyond this are dropped at accept (${ENV.maxConnections}; default ${d.maxConnections})`)
    .option('--tls-cert <file>', `PEM serving certificate, reloaded on change (${ENV.tlsCert}; default ${d.tlsCert})`)
    .option('--tls-key <file>', `PEM private key (${ENV.tlsKey}; default ${d.tlsKey})`)
    .option('--policy <file>', `NiFiTrustPolicy file (${ENV.policy}; default: the built-in policy)`)
    .option('--watch-policies', `also use the cluster's NiFiTrustPolicy objects (${ENV.watchPolicies}=true; default off)`)
    .option('--follow-policies [bool]', `with --watch-policies, the leader keeps the webhook configuration's entries in step with the policies in force; --follow-policies=false leaves them as installed (${ENV.followPolicies}; default ${d.followPolicies})`)
    .option('--follow-policies-interval <duration>', `how often the leader checks the webhook configuration besides policy changes (${ENV.followPoliciesInterval}; default ${f(d.followPoliciesIntervalMs)})`)
    .option('--init-image <image>', `image of the injected init containers for policies that name none; installs set it to the webhook's own image (${ENV.initImage}; default nifi-ca-guard:<version>)`)
    .option('--allowed-init-images <patterns>', `comma-separated image patterns a policy's init-container images must match, * standing for any characters but "/", e.g. registry.example.com/nifi-ca-guard@sha256:* (${ENV.allowedInitImages}; default: every tag and digest of the --init-image's repository)`)
    .option('--log-level <level>', `fatal, error, warn, info, debug, trace or silent (${ENV.logLevel}; default ${d.logLevel})`)
    .option('--shutdown-delay-ms <ms>', `after SIGTERM, keep serving with /readyz 503 this long before closing the listener; none on SIGINT (${ENV.shutdownDelayMs}; default ${d.shutdownDelayMs})`)
    .option('--shutdown-grace-ms <ms>', `then time for in-flight requests (${ENV.shutdownGraceMs}; default ${d.shutdownGraceMs})`)
    .option('--reload-interval-ms <ms>', `how often the TLS and policy files are checked (${ENV.reloadIntervalMs}; default ${d.reloadIntervalMs})`)
    .option('--tls-mode <mode>', `file: --tls-cert/--tls-key, reloaded on change; self-managed: the webhook keeps its own CA and certificate in a Secret and its caBundles current (${ENV.tlsMode}; default ${d.tlsMode})`)
    .option('--tls-secret <name>', `self-managed: the Secret holding CA, certificate and rotation state (${ENV.tlsSecret}; default ${d.tlsSecret})`)
    .option('--webhook-configuration <name>', `the MutatingWebhookConfiguration whose caBundles (self-managed) and entries (--follow-policies) the leader keeps current (${ENV.webhookConfiguration}; default ${d.webhookConfiguration})`)
    .option('--service <name>', `self-managed: the Service the API server calls; its DNS names go into the certificate (${ENV.service}; default ${d.service})`)
    .option('--namespace <ns>', `the webhook's namespace (${ENV.namespace}; default: POD_NAMESPACE, else the service account's namespace, else ${d.namespace})`)
    .option('--lease <name>', `self-managed: the Lease electing the one replica that writes (${ENV.lease}; default ${d.lease}); identity: POD_NAME, else the host name`)
    .option('--tls-sync-interval <duration>', `self-managed: how often every replica reads the Secret (${ENV.tlsSyncInterval}; default ${f(d.tlsSyncIntervalMs)})`)
    .option('--tls-rollout-delay <duration>', `self-managed: time given to API servers and replicas between CA rotation steps, at least 5 sync intervals (${ENV.tlsRolloutDelay}; default ${f(d.tlsRolloutDelayMs)})`)
    .option('--tls-ca-validity <duration>', `self-managed: CA validity (${ENV.tlsCaValidity}; default ${f(d.tlsCaValidityMs)})`)
    .option('--tls-cert-validity <duration>', `self-managed: serving certificate validity (${ENV.tlsCertValidity}; default ${f(d.tlsCertValidityMs)})`)
    .option('--tls-ca-renew-before <duration>', `self-managed: rotate the CA this long before it expires (${ENV.tlsCaRenewBefore}; default ${f(d.tlsCaRenewBeforeMs)})`)
    .option('--tls-cert-renew-before <duration>', `self-managed: renew the serving certificate this long before it expires (${ENV.tlsCertRenewBefore}; default ${f(d.tlsCertRenewBeforeMs)})`)
    .option('--lease-duration <duration>', `self-managed: a leader that stops renewing is replaced after this long (${ENV.leaseDuration}; default ${f(d.leaseDurationMs)})`)
    .action(async (flags: ConfigFlags) => {
      // Loaded only when serving: express, prom-client and the TLS stack are not needed by
      // preview or by the init containers, which start once per pod.
      const { runServe } = await import('./serve-run.js');
      await runServe(flags);
    });
};
