// The one version string: package.json's, read once at start. Resolved from this module's own location,
// so it is the same file in a checkout (dist/src/version.js -> ../../package.json) and in the image
// (/app/dist/src/version.js -> /app/package.json). One small synchronous read: cheap enough for the
// init containers, which start once per pod.
import { readFileSync } from 'node:fs';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** The version of this build, e.g. `0.1.0`. */
export const VERSION: string = readVersion();

function readVersion(): string {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the version from ${PACKAGE_JSON.pathname}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const version = (pkg as { version?: unknown } | null)?.version;
  // It ends up in image tags (nifi-ca-guard:<version>): only what a tag may hold.
  if (typeof version !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(version)) {
    throw new Error(`${PACKAGE_JSON.pathname}: "version" must be a string usable as an image tag`);
  }
  return version;
}
