import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { planTls, type TlsPlan } from '../../../src/cluster/tls-plan.js';
import { ANNOTATIONS, KEYS, certsOf, type SecretView } from '../../../src/cluster/tls-state.js';
import { issueCa } from '../../../src/tls/issue.js';
import {
  DAY, MINUTE, NAMES, SECOND, T0, TIMING, applyBundles, applySecret, at, converge, makeKeys, testMint, type World,
} from './tls-fixtures.js';

const DELAY = TIMING.rolloutDelayMs;
const fp = (pem: string | undefined): string[] => certsOf(pem ?? '').map((c) => c.fingerprint);
const serialOf = (pem: string | undefined): string => new X509Certificate(pem!).serialNumber;

/** A steady world at T0: one CA, one serving certificate, both webhooks' caBundles holding the CA. */
function steady(): World {
  return converge({ now: T0, secret: undefined, caBundles: ['', ''] }, testMint()).world;
}

/** Steady, with the serving certificate renewed as time went by (at 135 and 270 days), seen at `now`. */
function aged(now: Date): World {
  let w = steady();
  for (const d of [135, 270]) w = converge({ ...w, now: at(d * DAY) }, testMint()).world;
  return { ...w, now };
}

function withSecret(w: World, change: (s: SecretView) => SecretView, now = w.now): World {
  return { ...w, now, secret: change(w.secret!) };
}
const annotate = (w: World, k: string, v: string, now = w.now): World =>
  withSecret(w, (s) => ({ ...s, annotations: { ...s.annotations, [k]: v } }), now);
const setData = (w: World, k: string, v: string | undefined): World =>
  withSecret(w, (s) => {
    const data = { ...s.data };
    if (v === undefined) delete data[k];
    else data[k] = v;
    return { ...s, data };
  });

/** Steady, then renew=ca and the staging step applied (Secret and caBundles). */
function staged(): World {
  const w = annotate(steady(), ANNOTATIONS.renew, 'ca', at(1 * DAY));
  const plan = plan1(w);
  return { ...w, secret: applySecret(w.secret, plan), caBundles: applyBundles(w.caBundles, plan) };
}

/** Staged and confirmed: every caBundle holds both CAs, ca-switch-after set. */
function confirmed(): World {
  const w = staged();
  const plan = plan1(w);
  return { ...w, secret: applySecret(w.secret, plan) };
}

/** Confirmed, then switched once the rollout delay passed. */
function switched(): World {
  const w = confirmed();
  const later = { ...w, now: new Date(w.now.getTime() + DELAY) };
  const plan = plan1(later);
  return { ...later, secret: applySecret(later.secret, plan), caBundles: applyBundles(later.caBundles, plan) };
}

function plan1(w: World, mint = testMint()): TlsPlan {
  return planTls({ now: w.now, secret: w.secret, caBundles: w.caBundles, dnsNames: NAMES, timing: TIMING, mint });
}

interface Expect {
  write: boolean;
  /** ca.crt, tls.crt, next-ca.crt: same as before, new, or absent after the write. */
  ca?: 'same' | 'new' | 'was-next';
  leaf?: 'same' | 'new';
  next?: 'none' | 'same' | 'new';
  /** How many CAs the caBundles must hold, and which webhooks get patched. */
  bundle: number;
  patch: number[];
  /** Managed annotations after the write: a value, null (absent), or 'set' (any date). */
  annotations?: Partial<Record<string, string | null>>;
  problems?: RegExp;
  /** The old signing CA stays in the bundle. */
  keepsOldCa?: boolean;
}

interface Case {
  name: string;
  world: () => World;
  /** The names the serving certificate must carry, when not the default Service's. */
  names?: string[];
  want: Expect;
}

const cases: Case[] = [
  {
    name: 'no Secret, empty caBundles: a CA and a serving certificate are created, every webhook patched',
    world: () => ({ now: T0, secret: undefined, caBundles: ['', ''] }),
    want: { write: true, ca: 'new', leaf: 'new', next: 'none', bundle: 1, patch: [0, 1], annotations: { [ANNOTATIONS.previousUntil]: null } },
  },
  {
    name: 'no Secret, caBundles holding a foreign CA: created, the foreign CA trusted one rollout delay more',
    world: () => {
      const foreign = issueCa(T0, { commonName: 'someone else', validityMs: DAY }).cert;
      return { now: T0, secret: undefined, caBundles: [foreign, ''] };
    },
    want: { write: true, ca: 'new', leaf: 'new', bundle: 2, patch: [0, 1], annotations: { [ANNOTATIONS.previousUntil]: at(DELAY).toISOString() } },
  },
  {
    name: 'no webhook configuration: the Secret is still created, the problem reported',
    world: () => ({ now: T0, secret: undefined, caBundles: undefined }),
    want: { write: true, ca: 'new', leaf: 'new', bundle: 1, patch: [], problems: /webhook configuration not found/ },
  },
  {
    name: 'steady and valid: nothing to do',
    world: () => ({ ...steady(), now: at(10 * DAY) }),
    want: { write: false, bundle: 1, patch: [] },
  },
  {
    name: 'steady, one caBundle emptied (a kubectl apply): only that webhook is patched',
    world: () => {
      const w = steady();
      return { ...w, caBundles: [w.caBundles![0]!, ''] };
    },
    want: { write: false, bundle: 1, patch: [1] },
  },
  {
    name: 'steady, a foreign CA added to a caBundle: patched back to the Secret\'s bundle',
    world: () => {
      const w = steady();
      const foreign = issueCa(T0, { commonName: 'someone else', validityMs: DAY }).cert;
      return { ...w, caBundles: [w.caBundles![0]! + foreign, w.caBundles![1]!] };
    },
    want: { write: false, bundle: 1, patch: [0] },
  },
  {
    name: 'serving certificate within its renew-before window: renewed under the same CA, no caBundle change',
    world: () => ({ ...steady(), now: at(TIMING.certValidityMs - TIMING.certRenewBeforeMs) }),
    want: { write: true, ca: 'same', leaf: 'new', next: 'none', bundle: 1, patch: [] },
  },
  {
    name: 'serving certificate one second before its window: nothing yet',
    world: () => ({ ...steady(), now: at(TIMING.certValidityMs - TIMING.certRenewBeforeMs - SECOND) }),
    want: { write: false, bundle: 1, patch: [] },
  },
  {
    name: 'renew=leaf: renewed now, the request removed',
    world: () => annotate(steady(), ANNOTATIONS.renew, 'leaf', at(DAY)),
    want: { write: true, ca: 'same', leaf: 'new', bundle: 1, patch: [], annotations: { [ANNOTATIONS.renew]: null } },
  },
  {
    name: 'renew=bogus: removed, reported, nothing renewed',
    world: () => annotate(steady(), ANNOTATIONS.renew, 'bogus', at(DAY)),
    want: { write: true, ca: 'same', leaf: 'same', bundle: 1, patch: [], annotations: { [ANNOTATIONS.renew]: null }, problems: /"bogus" is neither ca nor leaf/ },
  },
  {
    name: 'CA within its renew-before window: a next CA is staged, the serving certificate kept, caBundles patched to both',
    world: () => aged(at(TIMING.caValidityMs - TIMING.caRenewBeforeMs)),
    want: { write: true, ca: 'same', leaf: 'same', next: 'new', bundle: 2, patch: [0, 1] },
  },
  {
    name: 'renew=ca: a next CA is staged, the request removed',
    world: () => annotate(steady(), ANNOTATIONS.renew, 'ca', at(DAY)),
    want: { write: true, ca: 'same', leaf: 'same', next: 'new', bundle: 2, patch: [0, 1], annotations: { [ANNOTATIONS.renew]: null, [ANNOTATIONS.switchAfter]: null } },
  },
  {
    name: 'staged, caBundles holding both: confirmed, the switch scheduled one rollout delay later',
    world: staged,
    want: { write: true, ca: 'same', leaf: 'same', next: 'same', bundle: 2, patch: [], annotations: { [ANNOTATIONS.switchAfter]: at(DAY + DELAY).toISOString() } },
  },
  {
    name: 'staged, a caBundle without the next CA: no confirmation, that webhook patched',
    world: () => {
      const w = staged();
      return { ...w, caBundles: [w.caBundles![0]!, w.secret!.data[KEYS.caCert]!] };
    },
    want: { write: false, ca: 'same', leaf: 'same', next: 'same', bundle: 2, patch: [1] },
  },
  {
    name: 'confirmed, the rollout delay not over: nothing yet',
    world: () => ({ ...confirmed(), now: at(DAY + DELAY - SECOND) }),
    want: { write: false, bundle: 2, patch: [] },
  },
  {
    name: 'confirmed, the rollout delay over: switched to the next CA, the old one kept, its retirement scheduled',
    world: () => ({ ...confirmed(), now: at(DAY + DELAY) }),
    want: {
      write: true, ca: 'was-next', leaf: 'new', next: 'none', bundle: 2, patch: [], keepsOldCa: true,
      annotations: { [ANNOTATIONS.switchAfter]: null, [ANNOTATIONS.previousUntil]: at(DAY + 2 * DELAY).toISOString() },
    },
  },
  {
    name: 'confirmed and due, but a caBundle lost the next CA meanwhile: no switch, confirmation withdrawn, patched',
    world: () => {
      const w = confirmed();
      return { ...w, now: at(DAY + DELAY), caBundles: [w.caBundles![0]!, w.secret!.data[KEYS.caCert]!] };
    },
    want: { write: true, ca: 'same', leaf: 'same', next: 'same', bundle: 2, patch: [1], annotations: { [ANNOTATIONS.switchAfter]: null } },
  },
  {
    name: 'renew=ca while a rotation is under way: the request removed, no second CA',
    world: () => annotate(confirmed(), ANNOTATIONS.renew, 'ca'),
    want: { write: true, ca: 'same', leaf: 'same', next: 'same', bundle: 2, patch: [], annotations: { [ANNOTATIONS.renew]: null } },
  },
  {
    name: 'switched, the rollout delay not over: the previous CA stays',
    world: () => ({ ...switched(), now: at(DAY + 2 * DELAY - SECOND) }),
    want: { write: false, bundle: 2, patch: [] },
  },
  {
    name: 'switched, the rollout delay over: the previous CA retired from the Secret and every caBundle',
    world: () => ({ ...switched(), now: at(DAY + 2 * DELAY) }),
    want: { write: true, ca: 'same', leaf: 'same', next: 'none', bundle: 1, patch: [0, 1], annotations: { [ANNOTATIONS.previousUntil]: null } },
  },
  {
    name: 'a previous CA without its deadline (annotation removed by hand): one rollout delay from now',
    world: () => {
      const w = switched();
      return withSecret(w, (s) => ({ ...s, annotations: {} }), at(DAY + 10 * DELAY));
    },
    want: { write: true, ca: 'same', leaf: 'same', bundle: 2, patch: [], annotations: { [ANNOTATIONS.previousUntil]: at(DAY + 11 * DELAY).toISOString() } },
  },
  {
    name: 'corrupt ca.key, serving pair valid: the CA cannot sign, a next CA is staged (no outage)',
    world: () => setData(steady(), KEYS.caKey, 'garbage'),
    want: { write: true, ca: 'same', leaf: 'same', next: 'new', bundle: 2, patch: [0, 1], problems: /ca\.key: does not match ca\.crt/ },
  },
  {
    name: 'corrupt tls.crt: started over with a new CA, the old one trusted one rollout delay more',
    world: () => setData(steady(), KEYS.cert, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
    want: { write: true, ca: 'new', leaf: 'new', next: 'none', bundle: 2, patch: [0, 1], keepsOldCa: true, problems: /tls\.crt: not a PEM certificate/, annotations: { [ANNOTATIONS.previousUntil]: at(DELAY).toISOString() } },
  },
  {
    name: 'tls.key of another pair: started over',
    world: () => {
      const w = steady();
      return setData(w, KEYS.key, w.secret!.data[KEYS.caKey]!);
    },
    want: { write: true, ca: 'new', leaf: 'new', bundle: 2, patch: [0, 1], problems: /tls\.key: does not match tls\.crt/ },
  },
  {
    name: 'corrupt ca-bundle.crt: rewritten from the signing CA',
    world: () => setData(steady(), KEYS.bundle, 'not pem at all'),
    want: { write: true, ca: 'same', leaf: 'same', bundle: 1, patch: [] },
  },
  {
    name: 'next-ca.key that does not match: the next CA dropped, its certificate trusted one rollout delay more',
    world: () => setData(staged(), KEYS.nextCaKey, 'garbage'),
    want: { write: true, ca: 'same', leaf: 'same', next: 'none', bundle: 2, patch: [], problems: /next-ca\.key: does not match next-ca\.crt/, annotations: { [ANNOTATIONS.previousUntil]: at(DAY + DELAY).toISOString() } },
  },
  {
    name: 'everything expired: started over; nothing expired is kept',
    world: () => ({ ...steady(), now: at(TIMING.caValidityMs + DAY) }),
    want: { write: true, ca: 'new', leaf: 'new', bundle: 1, patch: [0, 1], problems: /ca\.crt: not a valid CA certificate/ },
  },
  {
    name: 'DNS names changed (another Service or namespace): the serving certificate is reissued',
    world: steady,
    names: ['webhook', 'webhook.other', 'webhook.other.svc', 'webhook.other.svc.cluster.local'],
    want: { write: true, ca: 'same', leaf: 'new', bundle: 1, patch: [] },
  },
];

describe('cluster/tls-plan: the self-managed TLS reconcile (pinned clock)', function () {
  this.timeout(120_000);
  before(makeKeys);

  for (const c of cases) {
    it(c.name, () => {
      const w = c.world();
      const names = c.names ?? NAMES;
      const plan = planTls({ now: w.now, secret: w.secret, caBundles: w.caBundles, dnsNames: names, timing: TIMING, mint: testMint() });
      const before = w.secret?.data ?? {};
      expect(plan.secret !== undefined, 'writes the Secret').to.equal(c.want.write);
      expect(certsOf(plan.caBundle), 'CAs in the caBundle').to.have.length(c.want.bundle);
      expect(plan.patch, 'webhooks patched').to.deep.equal(c.want.patch);
      if (c.want.problems) expect(plan.problems.join('; ')).to.match(c.want.problems);
      else expect(plan.problems.filter((p) => !/missing/.test(p)), 'problems').to.deep.equal([]);
      const after = applySecret(w.secret, plan)!;
      const same = (k: string): boolean => after.data[k] === before[k];
      if (c.want.ca === 'same') expect(same(KEYS.caCert) && same(KEYS.caKey), 'ca.crt/ca.key kept').to.equal(true);
      if (c.want.ca === 'new') expect(after.data[KEYS.caCert], 'a new ca.crt').to.be.a('string').and.not.equal(before[KEYS.caCert]);
      if (c.want.ca === 'was-next') {
        expect(after.data[KEYS.caCert], 'the next CA signs now').to.equal(before[KEYS.nextCaCert]);
        expect(after.data[KEYS.caKey]).to.equal(before[KEYS.nextCaKey]);
      }
      if (c.want.leaf === 'same') expect(same(KEYS.cert) && same(KEYS.key), 'serving pair kept').to.equal(true);
      if (c.want.leaf === 'new') expect(after.data[KEYS.cert], 'a new serving certificate').to.be.a('string').and.not.equal(before[KEYS.cert]);
      if (c.want.next === 'none') expect(after.data[KEYS.nextCaCert], 'no next CA').to.equal(undefined);
      if (c.want.next === 'same') expect(same(KEYS.nextCaCert), 'next CA kept').to.equal(true);
      if (c.want.next === 'new') expect(after.data[KEYS.nextCaCert], 'a next CA').to.be.a('string').and.not.equal(before[KEYS.nextCaCert]);
      for (const [k, v] of Object.entries(c.want.annotations ?? {})) expect(after.annotations[k] ?? null, k).to.equal(v);
      if (c.want.keepsOldCa) expect(fp(plan.caBundle), 'the old CA still trusted').to.include(fp(before[KEYS.caCert])[0]);

      // Whatever the step, what is stored afterwards is consistent: the serving pair is signed by
      // ca.crt, carries the names, and the caBundle (what the Secret says) trusts its CA.
      const ca = new X509Certificate(after.data[KEYS.caCert]!);
      const leaf = new X509Certificate(after.data[KEYS.cert]!);
      expect(leaf.verify(ca.publicKey), 'tls.crt signed by ca.crt').to.equal(true);
      expect(fp(after.data[KEYS.bundle]), 'ca-bundle.crt trusts ca.crt').to.include(ca.fingerprint256);
      expect(new Set(fp(after.data[KEYS.bundle])), 'ca-bundle.crt is the caBundle').to.deep.equal(new Set(fp(plan.caBundle)));
      for (const n of names) expect(leaf.subjectAltName, 'SANs').to.include(`DNS:${n}`);
      expect(new Date(leaf.validTo).getTime(), 'the serving certificate does not outlive its CA').to.be.at.most(new Date(ca.validTo).getTime());
    });
  }

  it('wakes when the next step is due: the earlier of serving-certificate and CA renewal', () => {
    const plan = plan1({ ...steady(), now: at(DAY) });
    expect(plan.wakeAt.toISOString()).to.equal(at(TIMING.certValidityMs - TIMING.certRenewBeforeMs).toISOString());
    const c = plan1({ ...confirmed(), now: at(DAY + SECOND) });
    expect(c.wakeAt.toISOString(), 'the switch').to.equal(at(DAY + DELAY).toISOString());
    const s = plan1({ ...switched(), now: at(DAY + DELAY + SECOND) });
    expect(s.wakeAt.toISOString(), 'the retirement').to.equal(at(DAY + 2 * DELAY).toISOString());
    expect(plan1({ now: T0, secret: undefined, caBundles: [''] }).wakeAt.toISOString(), 'a write: again at once').to.equal(T0.toISOString());
  });

  it('never logs key or certificate text: changes and problems name serials and fingerprints only', () => {
    const w = setData(annotate(steady(), ANNOTATIONS.renew, 'ca', at(DAY)), KEYS.bundle, 'garbage');
    const plans = [plan1(w), plan1(setData(steady(), KEYS.cert, 'x')), plan1(setData(staged(), KEYS.nextCaKey, 'garbage'))];
    const text = plans.flatMap((p) => [...p.changes, ...p.problems]).join('\n');
    expect(text).to.match(/serial [0-9A-F]+/);
    expect(text).to.not.match(/BEGIN|PRIVATE|MII/);
  });
});

describe('cluster/tls-plan: a whole CA rotation never serves a certificate the API server does not trust', function () {
  this.timeout(120_000);
  before(makeKeys);

  // The edge runs the planner every `tick`; the API server sees a caBundle change `apiLag` after the
  // patch; each replica serves a new pair `reloadLag` after it was written. Both lags are below the
  // rollout delay, as the configuration requires. At every tick, each served certificate must chain to
  // a CA the API server currently trusts.
  const scenarios = [
    { name: 'lags of one tick', tick: 5 * SECOND, apiLag: 5 * SECOND, reloadLag: 5 * SECOND },
    { name: 'lags just under the rollout delay', tick: 5 * SECOND, apiLag: DELAY - 5 * SECOND, reloadLag: DELAY - 5 * SECOND },
    { name: 'a slow API server, fast replicas', tick: 10 * SECOND, apiLag: DELAY - 10 * SECOND, reloadLag: 0 },
  ];
  for (const s of scenarios) {
    it(s.name, () => {
      const mint = testMint();
      let w = converge({ now: T0, secret: undefined, caBundles: ['', ''] }, mint).world;
      const apiView: Array<{ at: number; pem: string }> = [{ at: 0, pem: w.caBundles![0]! }];
      const written: Array<{ at: number; cert: string }> = [{ at: 0, cert: w.secret!.data[KEYS.cert]! }];
      w = annotate(w, ANNOTATIONS.renew, 'ca', at(MINUTE));
      const firstCa = w.secret!.data[KEYS.caCert]!;
      const seen = new Set<string>();
      for (let t = MINUTE; t <= MINUTE + 4 * DELAY; t += s.tick) {
        w = { ...w, now: at(t) };
        for (let step = 0; step < 5; step++) {
          const plan = plan1(w, mint);
          if (!plan.secret && plan.patch.length === 0) break;
          w = { ...w, secret: applySecret(w.secret, plan), caBundles: applyBundles(w.caBundles, plan) };
          if (plan.patch.length) apiView.push({ at: t + s.apiLag, pem: plan.caBundle });
          if (plan.secret) written.push({ at: t + s.reloadLag, cert: w.secret!.data[KEYS.cert]! });
          plan.changes.forEach((c) => seen.add(c));
        }
        // What the API server trusts and what the replicas serve, at t.
        const trusted = fp([...apiView].reverse().find((v) => v.at <= t)!.pem);
        const served = new X509Certificate([...written].reverse().find((v) => v.at <= t)!.cert);
        const issuer = certsOf(w.secret!.data[KEYS.bundle]! + firstCa + (w.secret!.data[KEYS.nextCaCert] ?? '')).find((c) => served.verify(c.x509.publicKey));
        expect(issuer, `t=${t}: the served certificate's CA is known`).to.not.equal(undefined);
        expect(trusted, `t=${t}: the API server trusts the served certificate's CA`).to.include(issuer!.fingerprint);
      }
      for (const step of ['next CA staged', 'every caBundle holds the next CA', 'CA switched to serial', 'previous CA retired']) {
        expect([...seen].filter((c) => c.startsWith(step)), step).to.have.length(1);
      }
      expect(fp(w.caBundles![0]), 'at the end only the new CA').to.have.length(1).and.not.include(fp(firstCa)[0]);
      expect(w.secret!.annotations, 'no rotation state left').to.deep.equal({});
    });
  }
});
