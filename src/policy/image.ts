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
