// Self-managed TLS, the I/O around the planner. Every replica reads the Secret each sync interval and
// hands a new serving pair to the server (no volume, so no kubelet sync delay). The leader also
// reconciles: it plans, writes the Secret (create, or update conditional on its resourceVersion), then
// patches the webhooks' caBundles (a JSON patch whose `test` ops pin the resourceVersion and each
// webhook's name, touching nothing else). A conflict re-reads and plans again.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { checkPair, type TlsPair } from '../tls/pair.js';
import { type Api, errorLine, isConflict, type Json } from './api.js';
import { serialLoop } from './loop.js';
import { ChangeLog, backoff } from './once.js';
import { planTls, type Mint, type TlsTiming } from './tls-plan.js';
import { KEYS } from './tls-state.js';
import { created, decode, updated, view } from './secret-object.js';

export interface SelfManagedTlsOptions {
  api: Api;
  namespace: string;
  secretName: string;
  webhookConfiguration: string;
  dnsNames: readonly string[];
  timing: TlsTiming;
  syncIntervalMs: number;
  isLeader: () => boolean;
  /** A new, checked serving pair from the Secret. */
  onPair: (pair: TlsPair) => void;
  logger: Logger;
  mint: Mint;
  now?: () => Date;
}

export interface SelfManagedTls {
  /** One round now; resolves when done (the timer keeps running). */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

/** Plans and writes per round at most this often, so a write that never "takes" cannot spin. */
const MAX_STEPS = 6;

export function startSelfManagedTls(o: SelfManagedTlsOptions): SelfManagedTls {
  const now = o.now ?? (() => new Date());
  const secretPath = `/api/v1/namespaces/${o.namespace}/secrets/${o.secretName}`;
  const secretsPath = `/api/v1/namespaces/${o.namespace}/secrets`;
  const mwcPath = `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${o.webhookConfiguration}`;
  const readErrors = new ChangeLog(o.logger, 'reading the TLS Secret');
  const writeErrors = new ChangeLog(o.logger, 'reconciling the TLS Secret and caBundles');
  const pairErrors = new ChangeLog(o.logger, 'loading the serving certificate from the Secret');
  let lastProblems = '';
  let servedDigest: string | undefined;
  let servedSerial: string | undefined;

  const reconcile = async (initial: Json | undefined): Promise<{ secret: Json | undefined; wakeAt: Date | undefined }> => {
    let secret = initial;
    let wakeAt: Date | undefined;
    for (let step = 0; step < MAX_STEPS && o.isLeader(); step++) {
      const mwc = await o.api.get(mwcPath);
      const webhooks = mwc ? ((mwc.webhooks as Json[] | undefined) ?? []) : undefined;
      const t = now();
      const plan = planTls({
        now: t,
        secret: secret ? view(secret) : undefined,
        caBundles: webhooks?.map((w) => decode((w.clientConfig as Json | undefined)?.caBundle)),
        dnsNames: o.dnsNames,
        timing: o.timing,
        mint: o.mint,
      });
      const problems = plan.problems.join('; ');
      if (problems !== lastProblems) {
        if (problems) o.logger.warn({ secret: o.secretName, problems: plan.problems }, 'TLS Secret: not everything in it is usable');
        lastProblems = problems;
      }
      wakeAt = plan.wakeAt;
      if (!plan.secret && plan.patch.length === 0) break;
      try {
        if (plan.secret) {
          secret = secret
            ? await o.api.replace(secretPath, updated(secret, plan.secret.data, plan.secret.annotations))
            : await o.api.create(secretsPath, created(o.secretName, o.namespace, plan.secret.data, plan.secret.annotations));
          for (const c of plan.changes) o.logger.info({ secret: o.secretName }, `TLS: ${c}`);
        }
        if (mwc && plan.patch.length > 0) {
          const meta = mwc.metadata as Json;
          const ops: Json[] = [{ op: 'test', path: '/metadata/resourceVersion', value: meta.resourceVersion }];
          for (const i of plan.patch) {
            ops.push({ op: 'test', path: `/webhooks/${i}/name`, value: webhooks![i]!.name });
            ops.push({ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: Buffer.from(plan.caBundle).toString('base64') });
          }
          await o.api.jsonPatch(mwcPath, ops);
        }
        if (plan.patch.length > 0) {
          o.logger.info({ webhookConfiguration: o.webhookConfiguration, webhooks: plan.patch.map((i) => webhooks![i]!.name), cas: countCerts(plan.caBundle) }, 'caBundle updated');
        }
      } catch (err) {
        if (!isConflict(err)) throw err;
        // Changed under us (an operator's annotation, the other replica before it lost the Lease): read again.
        secret = await o.api.get(secretPath);
      }
    }
    return { secret, wakeAt };
  };

  const load = (secret: Json | undefined): void => {
    if (!secret) return;
    const v = view(secret);
    const cert = v.data[KEYS.cert] ?? '';
    const key = v.data[KEYS.key] ?? '';
    const digest = createHash('sha256').update(cert).update('\0').update(key).digest('hex');
    if (digest === servedDigest) return;
    try {
      const pair = checkPair(cert, key);
      o.onPair(pair);
      servedDigest = digest;
      o.logger.info({ serial: pair.serial, fingerprint256: pair.fingerprint256, notAfter: pair.notAfter, previous: servedSerial ?? null }, 'tls certificate loaded from the Secret');
      servedSerial = pair.serial;
      pairErrors.ok();
    } catch (err) {
      // Keep serving what we have; the leader repairs the Secret.
      pairErrors.failing(errorLine(err), { secret: o.secretName, serving: servedSerial ?? null });
    }
  };

  const round = async (): Promise<Date | undefined> => {
    let secret: Json | undefined;
    try {
      secret = await o.api.get(secretPath);
      readErrors.ok({ secret: o.secretName });
    } catch (err) {
      readErrors.failing(errorLine(err), { secret: o.secretName });
      throw err;
    }
    let wakeAt: Date | undefined;
    if (o.isLeader()) {
      try {
        ({ secret, wakeAt } = await reconcile(secret));
        writeErrors.ok();
      } catch (err) {
        writeErrors.failing(errorLine(err), { secret: o.secretName, webhookConfiguration: o.webhookConfiguration });
        load(secret);
        throw err;
      }
    }
    load(secret);
    return wakeAt;
  };

  const loop = serialLoop({
    round: async () => {
      const wakeAt = await round();
      const untilWake = wakeAt ? wakeAt.getTime() - now().getTime() : Infinity;
      return Math.min(o.syncIntervalMs, untilWake);
    },
    onError: (_err, failures) => backoff(o.syncIntervalMs, failures, 4 * o.syncIntervalMs),
  });
  const sync = loop.kick;

  void sync();

  return {
    sync,
    stop: loop.stop,
  };
}

function countCerts(pem: string): number {
  return (pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
}
