import express, { type NextFunction, type Request, type Response } from 'express';
import { admit } from '../admission/review.js';
import type { ClusterFacts } from '../mutation/facts.js';
import { BadReviewError, UnappliablePatchError } from '../admission/errors.js';
import type { PolicySet } from '../policy/policy-set.js';
import { logAdmission, type Logger } from '../log.js';
import type { Outcome, WebhookMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';
import { httpStatus } from '../errors.js';
import { HttpError, classifyBodyError, sendError } from './errors.js';
import { MAX_JSON_DEPTH, depthExceeds } from './depth.js';
import { BODY_LIMIT_BYTES } from './body.js';

export { BODY_LIMIT_BYTES };

export interface AppDeps {
  /** The policies in force, read once per review. */
  getPolicies: () => PolicySet;
  /** What is known of the cluster now (metadata only), for warnings; absent: nothing (NO_FACTS). */
  facts?: () => ClusterFacts;
  logger: Logger;
  metrics: WebhookMetrics;
  readiness: Readiness;
}

interface MutateLocals {
  endTimer?: (labels: { outcome: Outcome }) => number;
}

/** The HTTP edge: bounds and checks input, calls admit(), and always answers with JSON. */
export function createApp(deps: AppDeps): express.Express {
  const { logger, metrics, readiness } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((_req, res, next) => {
    // Draining: tell keep-alive clients (the API server) to reconnect elsewhere.
    if (readiness.isShuttingDown) res.set('Connection', 'close');
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', (_req, res) => {
    const problems = readiness.problems();
    res.status(problems.length === 0 ? 200 : 503).json({ status: problems.length === 0 ? 'ready' : 'not ready', problems });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.post(
    '/mutate',
    (_req: Request, res: Response<unknown, MutateLocals>, next: NextFunction) => {
      res.locals.endTimer = metrics.duration.startTimer();
      next();
    },
    // Before the first list of cluster policies, an answer could apply the fallback policy in a
    // namespace a cluster policy governs: refuse, so the API server applies its failurePolicy.
    (_req: Request, _res: Response, next: NextFunction) => {
      const unsynced = readiness.unsynced;
      if (unsynced.length > 0) next(new HttpError('NotSynced', `${unsynced.join(', ')} not synced yet`));
      else next();
    },
    requireJson,
    express.json({ limit: BODY_LIMIT_BYTES, strict: false, type: () => true, verify: rejectEmpty }),
    (req: Request, _res: Response, next: NextFunction) => {
      if (depthExceeds(req.body, MAX_JSON_DEPTH)) next(new HttpError('TooDeep', `request body nests deeper than ${MAX_JSON_DEPTH} levels`));
      else next();
    },
    (req: Request, res: Response<unknown, MutateLocals>) => {
      const outcome = admit(req.body, deps.getPolicies(), deps.facts?.());
      const result: Outcome = outcome.review.response.patch ? 'patched' : 'allowed';
      const seconds = observe(res, result);
      metrics.admissions.inc({ role: outcome.summary.role, outcome: result });
      logAdmission(logger, outcome.summary, seconds * 1000);
      res.status(200).json(outcome.review);
    },
  );

  app.all('/mutate', (_req, res) => {
    res.set('Allow', 'POST');
    sendError(res, 'MethodNotAllowed', 'use POST /mutate');
  });

  app.use((req, res) => {
    sendError(res, 'NotFound', `no route for ${req.method} ${req.path}`);
  });

  app.use((err: unknown, req: Request, res: Response<unknown, MutateLocals>, _next: NextFunction) => {
    const known = err instanceof BadReviewError || err instanceof HttpError ? { code: err.code, message: err.message } : classifyBodyError(err);
    const outcome: Outcome = known ? 'bad_request' : 'error';
    observe(res, outcome);
    if (known) {
      metrics.badRequests.inc({ code: known.code });
      logger.warn({ status: httpStatus(known.code), code: known.code, problem: known.message, path: req.path }, 'bad request');
      sendError(res, known.code, known.message);
      return;
    }
    if (err instanceof UnappliablePatchError) {
      // Never the patch or the pod: which operation failed, and how.
      metrics.admissions.inc({ role: err.role, outcome });
      metrics.unappliablePatches.inc();
      logger.error({ code: 'UnappliablePatch', patchError: err.problem.code, opIndex: err.problem.index, op: err.problem.op, role: err.role }, 'planned patch does not apply; answering 500');
      sendError(res, 'UnappliablePatch', 'the webhook planned a patch that does not apply');
      return;
    }
    if (req.path === '/mutate') metrics.admissions.inc({ role: 'unknown', outcome });
    const e = err instanceof Error ? err : new Error(String(err));
    logger.error({ errorName: e.name, error: e.message, stack: e.stack, path: req.path }, 'internal error');
    if (res.headersSent) return;
    // 500, not an AdmissionReview: the API server then applies the webhook's failurePolicy.
    sendError(res, 'InternalError', 'the webhook failed to handle the review');
  });

  return app;
}

/** Records the handling time once; returns seconds (0 when no timer ran). */
function observe(res: Response<unknown, MutateLocals>, outcome: Outcome): number {
  const end = res.locals.endTimer;
  res.locals.endTimer = undefined;
  return end ? end({ outcome }) : 0;
}

/** body-parser turns an empty body into {}, which would be misreported as a wrong kind. */
function rejectEmpty(_req: unknown, _res: unknown, buf: Buffer): void {
  if (buf.length === 0) throw new HttpError('EmptyBody', 'request body is empty');
}

/** Only application/json (any parameters) is an AdmissionReview. */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') {
    next();
    return;
  }
  next(new HttpError('UnsupportedMediaType', 'Content-Type must be application/json'));
}
