// The trust bundle Secret's operations: grow, repair, take back, shrink. Every one returns the next
// Secret under the read one's identity (keepMeta); the CLI writes it conditionally on what it read.
import { readCertificates } from '../trust/bundle.js';
import { certInfo, type CertInfo } from '../trust/cert.js';
import { encodeCertBundle } from '../trust/pem.js';
import { appendToBundle, RotationError } from './rotate.js';
import { ANN_BUNDLE_UPDATED_AT, ANN_NEXT_CA_SHA256, BUNDLE_KEY, keepMeta, secretData, secretManifest, type SecretManifest } from './secrets.js';

export interface SecretNames {
  namespace?: string;
  privateName: string;
  trustName: string;
}

/** `next`: the CA the private Secret is switched to after this bundle is written (see ANN_NEXT_CA_SHA256). */
export function trustSecret(names: SecretNames, bundleText: string, next: Uint8Array, now: Date): SecretManifest {
  return secretManifest(
    names.trustName,
    names.namespace,
    { [BUNDLE_KEY]: bundleText },
    { [ANN_NEXT_CA_SHA256]: certInfo(next).sha256, [ANN_BUNDLE_UPDATED_AT]: now.toISOString() },
  );
}

/** The bundle Secret grown by `add` (an existing one keeps its certificates, metadata and type). */
export function grownTrust(names: SecretNames, existing: SecretManifest | undefined, add: readonly Uint8Array[], next: Uint8Array, now: Date) {
  let text = existing === undefined ? '' : readBundle(existing);
  const added: boolean[] = [];
  for (const der of add) {
    const r = appendToBundle(text, der);
    text = r.text;
    added.push(r.added);
  }
  const fresh = trustSecret(names, text, next, now);
  return { trust: existing ? keepMeta(existing, fresh) : fresh, added, size: readCertificates(text).certs.length };
}

export function readBundle(secret: SecretManifest): string {
  const b = secretData(secret, BUNDLE_KEY);
  if (!b) throw new RotationError(`Secret ${secret.metadata.name} has no ${BUNDLE_KEY}`);
  return b.toString('utf8');
}

/** SHA-256 fingerprints of the bundle's certificates. */
export function bundleFingerprints(trust: SecretManifest): string[] {
  return readCertificates(readBundle(trust)).certs.map((c) => c.sha256);
}

/** The bundle with `ca` appended (a repair: the active CA must be trusted). */
export function trustWith(trust: SecretManifest, ca: Uint8Array, now: Date): { trust: SecretManifest; added: boolean } {
  const r = appendToBundle(readBundle(trust), ca);
  const fresh = secretManifest(trust.metadata.name, trust.metadata.namespace, { [BUNDLE_KEY]: r.text }, { [ANN_BUNDLE_UPDATED_AT]: now.toISOString() });
  return { trust: keepMeta(trust, fresh), added: r.added };
}

/** The bundle without the CA `sha256` (taking back a CA this run added and never activated). */
export function trustWithout(trust: SecretManifest, sha256: string, now: Date): SecretManifest {
  const { certs } = readCertificates(readBundle(trust));
  const kept = certs.filter((c) => c.sha256 !== sha256);
  if (kept.length === 0) throw new RotationError('the bundle would be left without a certificate');
  const fresh = secretManifest(trust.metadata.name, trust.metadata.namespace, { [BUNDLE_KEY]: encodeCertBundle(kept.map((c) => c.der)) }, { [ANN_BUNDLE_UPDATED_AT]: now.toISOString() });
  const out = keepMeta(trust, fresh);
  if (out.metadata.annotations[ANN_NEXT_CA_SHA256] === sha256) {
    const { [ANN_NEXT_CA_SHA256]: _gone, ...rest } = out.metadata.annotations;
    out.metadata.annotations = rest;
  }
  return out;
}

/** The bundle holding only `ca` (`ca init --force`, once the private Secret holds it). */
export function trustOnly(trust: SecretManifest, ca: Uint8Array, now: Date): SecretManifest {
  return keepMeta(trust, trustSecret({ privateName: '', trustName: trust.metadata.name }, encodeCertBundle([ca]), ca, now));
}


/** The bundle's certificates, in bundle order. */
export function bundleCerts(trust: SecretManifest): CertInfo[] {
  return readCertificates(readBundle(trust)).certs;
}
