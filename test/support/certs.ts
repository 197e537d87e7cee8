// Test certificates from the project's own generator, on a pinned clock.
import { generateKeyPair, issueLeaf, selfSignedCa, type CaMaterial, type KeySpec } from '../../src/ca/generate.js';
import { encodePem } from '../../src/trust/pem.js';

export const NOW = new Date('2026-06-01T12:00:00Z');
export const DAY = 86400_000;

let serial = 1;
function nextSerial(): Buffer {
  return Buffer.from([0x10, serial++ & 0xff, (serial >> 8) & 0xff]);
}

const RSA: KeySpec = { algorithm: 'rsa', rsaBits: 2048 };
const EC: KeySpec = { algorithm: 'ecdsa', curve: 'P-256' };

export interface TestCa extends CaMaterial {
  subject: string;
  pem: string;
}

/** A CA valid from `now - 1h` for `days` (negative days: already expired at `now`). */
export function makeCa(opts: { subject?: string; days?: number; now?: Date; key?: 'rsa' | 'ecdsa' } = {}): TestCa {
  const subject = opts.subject ?? 'CN=nifi-ca, OU=NIFI';
  const now = opts.now ?? NOW;
  const days = opts.days ?? 365;
  // An expired CA: issued long enough ago that it ended before `now`.
  const issued = days > 0 ? now : new Date(now.getTime() + (days - 30) * DAY);
  const lifetime = days > 0 ? days : 30;
  const ca = selfSignedCa(generateKeyPair(opts.key === 'rsa' ? RSA : EC), subject, issued, lifetime, nextSerial());
  return { ...ca, subject, pem: encodePem('CERTIFICATE', ca.cert) };
}

export function makeLeaf(ca: TestCa, opts: { now?: Date; subject?: string } = {}) {
  const leaf = issueLeaf(ca, {
    subject: opts.subject ?? 'CN=localhost, OU=NIFI',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    now: opts.now ?? NOW,
    days: 30,
  });
  return { ...leaf, pem: encodePem('CERTIFICATE', leaf.cert), keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
