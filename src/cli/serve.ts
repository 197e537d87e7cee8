import type { Command } from 'commander';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { DEFAULTS, ENV, resolveConfig, type ConfigFlags, type RuntimeConfig } from '../config.js';
import { createLogger, type Logger } from '../log.js';
import { builtinPolicy, loadPolicyFile } from '../policy/load.js';
import type { Policy } from '../policy/types.js';
import { createApp } from '../http/app.js';
import { createMetrics } from '../http/metrics.js';
import { Readiness } from '../http/readiness.js';
import { listen, type RunningServer } from '../http/server.js';
import { readPair } from '../tls/pair.js';
import { watchPair } from '../tls/reload.js';
import { CliError, oneLine } from './errors.js';
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
    .option('--log-level <level>', `${ENV.logLevel}; default ${d.logLevel}`)
    .option('--shutdown-grace-ms <ms>', `time for in-flight requests after SIGTERM (${ENV.shutdownGraceMs}; default ${d.shutdownGraceMs})`)
    .option('--reload-interval-ms <ms>', `how often the TLS files are checked (${ENV.reloadIntervalMs}; default ${d.reloadIntervalMs})`)
    .action(async (flags: ConfigFlags) => {
      let config: RuntimeConfig;
      try {
        config = resolveConfig(flags, process.env);
      } catch (err) {
        throw new CliError(oneLine(err));
      }
      const logger = createLogger(config.logLevel);
      const webhook = await startWebhook(config, logger);
      const signal = await nextSignal();
      logger.info({ signal }, 'shutting down');
      await webhook.close();
      logger.info('stopped');
    });
};

export interface Webhook {
  url: string;
  close(): Promise<void>;
}

/** Loads policy and certificate (one-line CliError on failure), then listens. */
export async function startWebhook(config: RuntimeConfig, logger: Logger): Promise<Webhook> {
  const policy = loadPolicy(config.policyFile);
  let pair;
  try {
    pair = readPair(config.tlsCert, config.tlsKey);
  } catch (err) {
    throw new CliError(`TLS: ${oneLine(err)}`);
  }
  const readiness = new Readiness();
  readiness.policyLoaded();
  readiness.certificateLoaded();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const app = createApp({ getPolicy: () => policy, logger, metrics: createMetrics(registry), readiness });

  let running: RunningServer;
  try {
    running = await listen({
      host: config.host,
      port: config.port,
      tls: pair,
      handler: app,
      shutdownGraceMs: config.shutdownGraceMs,
      onClosing: () => readiness.shuttingDown(),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? oneLine(err);
    throw new CliError(`cannot listen on ${config.host}:${config.port} (${code})`);
  }
  const reloader = watchPair({
    certFile: config.tlsCert,
    keyFile: config.tlsKey,
    target: running.server,
    initial: pair,
    logger,
    intervalMs: config.reloadIntervalMs,
  });
  logger.info(
    { url: running.url, port: running.port, policy: policy.name, serial: pair.serial, fingerprint256: pair.fingerprint256, notAfter: pair.notAfter },
    'listening',
  );
  return {
    url: running.url,
    close: async () => {
      reloader.stop();
      await running.close();
    },
  };
}

function loadPolicy(file: string | undefined): Policy {
  if (file === undefined) return builtinPolicy();
  try {
    return loadPolicyFile(file);
  } catch (err) {
    throw new CliError(`--policy ${file}: ${oneLine(err)}`);
  }
}

/** Resolves on the first SIGTERM or SIGINT; a second one gets Node's default (immediate exit). */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
