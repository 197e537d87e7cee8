// Image references, as the distribution reference grammar spells them: checked where a user names one
// (the install's --image, serve --init-image), so a typo fails there and not in every NiFi pod.

// registry[:port]/ path components / name, then :tag and/or @digest.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REFERENCE = new RegExp(
  `^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?` +
    `${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`,
);

/** Why `image` is not an image reference; undefined when it is one. */
export function imageProblem(image: string): string | undefined {
  return image.length <= 4096 && IMAGE_REFERENCE.test(image) ? undefined : `must be an image reference such as registry.example.com/nifi-ca-guard:1.2.3, got ${JSON.stringify(image)}`;
}

// The init-image allowlist (serve --allowed-init-images). Whoever may write a NiFiTrustPolicy picks the
// image that runs in NiFi and nifi-ca pods beside the CA key: the webhook's operator bounds that choice.
// Patterns are matched against the image exactly as the policy writes it (no registry or tag defaulting),
// with `*` standing for any run of characters except "/" (so `reg.io/guard:*` allows every tag of that
// repository and nothing under another path). Hand-written: glob libraries treat "/" and "@" in ways that
// differ between them, and this rule is small enough to state and test here.

/** Why `pattern` is not an allowlist pattern; undefined when it is one. */
export function imagePatternProblem(pattern: string): string | undefined {
  // With every `*` standing for a run of hex digits (valid in a tag, a digest and a path component), what
  // is left must be an image reference: a typo fails at start-up, not as every policy being refused.
  if (pattern.length <= 4096 && !/\s/.test(pattern) && IMAGE_REFERENCE.test(pattern.replaceAll('*', 'a'.repeat(64)))) return undefined;
  return `must be an image pattern such as registry.example.com/nifi-ca-guard@sha256:* or registry.example.com/nifi-ca-guard:*, got ${JSON.stringify(pattern)}`;
}

/**
 * Whether `image` matches one of `patterns` (see above). An image with both a tag and a digest is
 * pulled by its digest (the tag is ignored), so it is also matched as `repository@digest`: the Helm
 * chart names its image `repository:tag@digest`, which a digests-only allowlist must let through.
 */
export function imageAllowed(image: string, patterns: readonly string[]): boolean {
  const at = image.indexOf('@');
  const forms = at < 0 ? [image] : [image, `${repositoryOf(image)}${image.slice(at)}`];
  return patterns.some((p) => forms.some((f) => globToRegExp(p).test(f)));
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

/** The repository of an image reference: without its `@digest` and `:tag` (a port's colon stays). */
export function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The allowlist when none is given: every tag and digest of the repository of `image` (the webhook's own). */
export function defaultAllowedImages(image: string): string[] {
  const repo = repositoryOf(image);
  return [`${repo}:*`, `${repo}@*`];
}
