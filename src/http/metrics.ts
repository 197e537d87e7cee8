import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type Outcome = 'patched' | 'allowed' | 'bad_request' | 'error';

export interface WebhookMetrics {
  registry: Registry;
  admissions: Counter<'role' | 'outcome'>;
  duration: Histogram<'outcome'>;
  badRequests: Counter<'code'>;
  /** Alert on this: a rotation whose new pair is broken keeps the old certificate until it expires. */
  certificateNotAfter: Gauge;
  tlsHandshakeFailures: Counter;
  /** Should stay 0: each one is a review answered 500 because the planned patch did not apply. */
  unappliablePatches: Counter;
  connectionsDropped: Counter;
}

/** Registers the webhook's metrics on the given registry (one per app, so tests never share state). */
export function createMetrics(registry: Registry): WebhookMetrics {
  return {
    registry,
    admissions: new Counter({
      name: 'nifi_ca_guard_admissions_total',
      help: 'Admission reviews answered, by pod role and outcome',
      labelNames: ['role', 'outcome'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'nifi_ca_guard_admission_duration_seconds',
      help: 'Time to handle one POST /mutate, body parsing included',
      labelNames: ['outcome'],
      // The API server's timeout is at most 5 s; resolution matters well below it.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    badRequests: new Counter({
      name: 'nifi_ca_guard_bad_requests_total',
      help: 'Requests to /mutate rejected before admission, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    tlsHandshakeFailures: new Counter({
      name: 'nifi_ca_guard_tls_handshake_failures_total',
      help: 'Failed TLS handshakes; rising with admissions failing usually means a caBundle that does not match',
      registers: [registry],
    }),
    unappliablePatches: new Counter({
      name: 'nifi_ca_guard_unappliable_patches_total',
      help: 'Reviews answered 500 because the planned patch did not apply to the pod (a bug: report it)',
      registers: [registry],
    }),
    connectionsDropped: new Counter({
      name: 'nifi_ca_guard_connections_dropped_total',
      help: 'Connections refused at accept because --max-connections were open',
      registers: [registry],
    }),
    certificateNotAfter: new Gauge({
      name: 'nifi_ca_guard_tls_certificate_not_after_seconds',
      help: 'Expiry (Unix time) of the serving certificate in use',
      registers: [registry],
    }),
  };
}
