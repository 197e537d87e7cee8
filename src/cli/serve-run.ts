import { readFileSync } from 'node:fs';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { resolveConfig, type ConfigFlags, type RuntimeConfig } from '../config.js';
import { bufferedDestination, createLogger, rateLimitedWarn, type Logger } from '../log.js';
import { builtinPolicy, readPolicyFile } from '../policy/load.js';
import type { Policy } from '../policy/types.js';
import type { PolicyDefaults } from '../policy/validate.js';
import { PolicyError, PolicyFileError } from '../policy/errors.js';
import { PolicyStore } from '../policy/store.js';
import { PolicyJudgements } from '../policy/judgements.js';
import { NO_FACTS } from '../mutation/facts.js';
import { watchPolicyFile } from '../policy/file-watch.js';
import type { ClusterPolicyWatch } from '../policy/cluster-source.js';
import type { LiveFacts } from '../cluster/live-facts.js';
import type { ClusterControl } from './serve-leader.js';
import { createApp } from '../http/app.js';
import { createMetrics } from '../http/metrics.js';
import { Readiness } from '../http/readiness.js';
import { listen, type RunningServer } from '../http/server.js';
import { readPair, type TlsPair } from '../tls/pair.js';
import { watchPair, type Reloader } from '../tls/reload.js';
import { CliError, oneLine } from './errors.js';

/** Serves until SIGTERM or SIGINT. */
export async function runServe(flags: ConfigFlags): Promise<void> {
  let config: RuntimeConfig;
  try {
    config = resolveConfig(flags, process.env, { serviceAccountNamespace: readServiceAccountNamespace() });
  } catch (err) {
    throw new CliError(oneLine(err));
  }
  const logger = createLogger(config.logLevel, bufferedDestination());
  // Listen for signals before the port opens: a SIGTERM right after "listening" must drain, not kill.
  const signals = awaitSignal();
  let webhook: Webhook;
  try {
    webhook = await startWebhook(config, logger);
  } catch (err) {
    signals.dispose();
    throw err;
  }
  const signal = await signals.next;
  // SIGTERM comes from the kubelet while endpoints may still route to this pod: drain first.
  // SIGINT is a person at a terminal: stop now.
  const delayMs = signal === 'SIGTERM' ? config.shutdownDelayMs : 0;
  logger.info({ signal, delayMs }, 'shutting down');
  await webhook.close(delayMs);
  logger.info('stopped');
}

export interface Webhook {
  url: string;
  /** Turns /readyz to 503 at once, keeps accepting for `delayMs`, then closes gracefully. */
  close(delayMs?: number): Promise<void>;
}

/** Loads policy and certificate (one-line CliError on failure), then listens. */
export async function startWebhook(config: RuntimeConfig, logger: Logger): Promise<Webhook> {
  // Every policy the webhook validates (file, reloads, cluster objects) gets the same init image and allowlist.
  const defaults: PolicyDefaults = { ...(config.initImage === undefined ? {} : { initImage: config.initImage }), allowedInitImages: config.allowedInitImages };
  const loaded = loadPolicy(config.policyFile, defaults);
  const store = new PolicyStore(loaded.policy, defaults);
  const selfManaged = config.tlsMode === 'self-managed';
  let pair: TlsPair;
  try {
    pair = selfManaged ? await placeholderPair() : readPair(config.tlsCert, config.tlsKey);
  } catch (err) {
    throw new CliError(`TLS: ${oneLine(err)}`);
  }
  // Policy and certificate are marked in use only once served (after listening); self-managed: not
  // before the Secret's pair replaces the placeholder, which only lets probes connect.
  const readiness = new Readiness();
  // What the watch judged of each cluster policy, for its status (written by the leader, below).
  const judgements = config.watchPolicies ? new PolicyJudgements() : undefined;
  const cluster = judgements ? await startClusterWatch(store, readiness, logger, judgements) : undefined;
  // Cluster facts (metadata of Nodes, NiFi pods, trust Secrets) for the warnings that need them.
  let facts: LiveFacts | undefined;
  if (config.watchPolicies && config.clusterFacts) {
    try {
      facts = await (await import('./serve-facts.js')).startServeFacts(store, logger);
    } catch (err) {
      await cluster?.stop();
      throw err;
    }
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createMetrics(registry);
  const showExpiry = (p: TlsPair): void => {
    metrics.certificateNotAfter.set(Date.parse(p.notAfter) / 1000);
    readiness.certificateLoaded(p.notAfter);
  };
  // One line per event would let a scanner flood the log (a cipher scan: 137 lines); metrics count them all.
  const handshakeFailed = rateLimitedWarn(logger, 'tls handshake failed', 10, 60_000);
  const connectionDropped = rateLimitedWarn(logger, 'connection dropped: --max-connections open', 10, 60_000);
  const app = createApp({ getPolicies: () => store.snapshot(), ...(facts ? { facts: () => facts.facts() } : {}), logger, metrics, readiness });

  let running: RunningServer;
  try {
    running = await listen({
      host: config.host,
      port: config.port,
      tls: pair,
      handler: app,
      limits: { maxConnections: config.maxConnections },
      shutdownGraceMs: config.shutdownGraceMs,
      onClosing: () => readiness.shuttingDown(),
      onTlsError: (err) => {
        metrics.tlsHandshakeFailures.inc();
        handshakeFailed({ code: (err as NodeJS.ErrnoException).code, reason: oneLine(err) });
      },
      onDrop: () => {
        metrics.connectionsDropped.inc();
        connectionDropped({ maxConnections: config.maxConnections });
      },
      onError: (err) => logger.error({ code: (err as NodeJS.ErrnoException).code, error: oneLine(err) }, 'server error'),
    });
  } catch (err) {
    await facts?.stop();
    await cluster?.stop(); // or its informer keeps the process alive
    const code = (err as NodeJS.ErrnoException).code ?? oneLine(err);
    throw new CliError(`cannot listen on ${config.host}:${config.port} (${code})`);
  }
  if (running.host !== config.host) logger.warn({ host: config.host, listening: running.host }, 'no IPv6 on this host; listening on IPv4 only');
  readiness.policyLoaded();
  if (!selfManaged) showExpiry(pair);
  let certificates: { stop(): Promise<void> | void } | undefined;
  // The replica's one Lease election, for everything one replica alone writes (the self-managed TLS
  // Secret and caBundles, policy status and Events). Loaded only when needed: the Kubernetes client is heavy.
  let control: ClusterControl | undefined;
  let statusWriter: { stop(): Promise<void>; changed(): void } | undefined;
  if (selfManaged || judgements) {
    try {
      const { startClusterControl } = await import('./serve-leader.js');
      control = startClusterControl(config, logger, selfManaged ? '--tls-mode self-managed' : '--watch-policies');
      if (selfManaged) {
        const { startSelfManaged } = await import('./serve-self-managed.js');
        certificates = await startSelfManaged(config, logger, control, (p) => {
          running.server.setSecureContext({ cert: p.cert, key: p.key });
          showExpiry(p);
        });
      }
      if (judgements) {
        const { startPolicyStatusWriter } = await import('./serve-policy-status.js');
        // TrustSecretsFound from the live facts; without them (--cluster-facts=false) the condition is left out.
        const live = facts;
        statusWriter = startPolicyStatusWriter(config, logger, control, store, judgements, live ? () => live.facts() : () => NO_FACTS);
        const writer = statusWriter;
        live?.onChange(() => writer.changed());
      }
    } catch (err) {
      await certificates?.stop();
      await control?.stop();
      await facts?.stop();
      await cluster?.stop();
      await running.close();
      throw err;
    }
  }
  if (!selfManaged) {
    const reloader: Reloader = watchPair({
      certFile: config.tlsCert,
      keyFile: config.tlsKey,
      target: running.server,
      initial: pair,
      logger,
      intervalMs: config.reloadIntervalMs,
      onReload: showExpiry,
    });
    certificates = reloader;
  }
  // With cluster policies, the leader keeps the webhook configuration's entries in step with them.
  let follow: { stop(): Promise<void> } | undefined;
  if (control && config.watchPolicies && config.followPolicies) {
    const { startFollow } = await import('./serve-follow.js');
    follow = startFollow(config, logger, control, store, () => !readiness.unsynced.includes(CLUSTER_POLICIES));
  }
  const policyWatch = config.policyFile ? watchPolicyFile(config.policyFile, store, logger, config.reloadIntervalMs, loaded.text) : undefined;
  logger.info(
    selfManaged
      ? { url: running.url, port: running.port, maxConnections: config.maxConnections, policy: store.current().name, initImage: store.current().spec.trustBundle.initContainer.image, tlsMode: config.tlsMode, secret: `${config.namespace}/${config.tlsSecret}`, identity: config.identity }
      : { url: running.url, port: running.port, maxConnections: config.maxConnections, policy: store.current().name, initImage: store.current().spec.trustBundle.initContainer.image, tlsMode: config.tlsMode, serial: pair.serial, fingerprint256: pair.fingerprint256, notAfter: pair.notAfter },
    'listening',
  );
  return {
    url: running.url,
    close: async (delayMs = 0) => {
      readiness.shuttingDown();
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      await certificates?.stop();
      // The controllers before the election: a leader releases its Lease last.
      await follow?.stop();
      await statusWriter?.stop();
      await control?.stop();
      policyWatch?.stop();
      await facts?.stop();
      await cluster?.stop();
      await running.close();
      handshakeFailed.flush();
      connectionDropped.flush();
    },
  };
}

/**
 * Self-managed mode listens before the Secret is read, so probes get an answer (/readyz 503) rather
 * than a refused handshake. This pair is made in memory, trusted by no one, and never served to the API
 * server: the webhook is not ready until the Secret's pair replaces it.
 */
async function placeholderPair(): Promise<TlsPair> {
  // Loaded only here: issuing needs node-forge, which a webhook serving a file pair never loads (memory).
  const { issueCertificates } = await import('../tls/issue.js');
  const issued = issueCertificates(new Date(), { dnsNames: ['localhost'], days: 1, caCommonName: 'nifi-ca-guard placeholder (not ready)' });
  return { cert: issued.cert, key: issued.key, serial: 'placeholder', fingerprint256: 'placeholder', notAfter: new Date().toUTCString() };
}

const CLUSTER_POLICIES = 'cluster policies';

/** Readiness waits for the first list, so no review is answered with a partial policy set. */
async function startClusterWatch(store: PolicyStore, readiness: Readiness, logger: Logger, judgements: PolicyJudgements): Promise<ClusterPolicyWatch> {
  readiness.waitFor(CLUSTER_POLICIES);
  // Loaded only here: the Kubernetes client is heavy, and preview or the init container never need it.
  const { watchClusterPolicies } = await import('../policy/cluster-source.js');
  try {
    const health = { failing: (reason: string) => readiness.failing(CLUSTER_POLICIES, reason), healthy: () => readiness.recovered(CLUSTER_POLICIES) };
    return watchClusterPolicies(
      store,
      logger,
      () => {
        readiness.done(CLUSTER_POLICIES);
        logger.info({ policies: store.snapshot().cluster.map((p) => p.name) }, 'cluster policies synced');
      },
      undefined,
      undefined,
      health,
      (outcome) => judgements.record(outcome),
    );
  } catch (err) {
    // Only loading the kubeconfig throws here; list and watch failures are retried inside.
    throw new CliError(`--watch-policies: cannot load a kubeconfig: ${oneLine(err)}`);
  }
}

function loadPolicy(file: string | undefined, defaults: PolicyDefaults): { policy: Policy; text?: string } {
  if (file === undefined) return { policy: builtinPolicy(defaults) };
  try {
    return readPolicyFile(file, defaults);
  } catch (err) {
    // A refused policy names its file and prints one issue per line (main.ts); keep it whole.
    if (err instanceof PolicyError || err instanceof PolicyFileError) throw err;
    throw new CliError(`--policy ${file}: ${oneLine(err)}`);
  }
}

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The namespace file of the pod's service account, when mounted. */
function readServiceAccountNamespace(): string | undefined {
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8');
  } catch {
    return undefined;
  }
}

/** Resolves on the first SIGTERM or SIGINT; a second one gets Node's default (immediate exit). */
function awaitSignal(): { next: Promise<NodeJS.Signals>; dispose: () => void } {
  let on: (signal: NodeJS.Signals) => void = () => {};
  const dispose = (): void => {
    process.off('SIGTERM', on);
    process.off('SIGINT', on);
  };
  const next = new Promise<NodeJS.Signals>((resolve) => {
    on = (signal) => {
      dispose();
      resolve(signal);
    };
  });
  process.on('SIGTERM', on);
  process.on('SIGINT', on);
  return { next, dispose };
}
