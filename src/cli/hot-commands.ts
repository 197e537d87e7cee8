// Commands that start often load only their own module: the full command table (commands.ts) pulls in
// every command's dependencies, about 0.1 s of module loading. `truststore` runs in the init container
// on every NiFi pod start, `preview` in CI loops, `serve` on every webhook pod start.
import type { Register } from './index.js';

const HOT: Readonly<Record<string, () => Promise<Register>>> = {
  truststore: async () => (await import('./truststore.js')).registerTruststore,
  preview: async () => (await import('./preview.js')).registerPreview,
  serve: async () => (await import('./serve.js')).registerServe,
};

/**
 * The one command to register when argv names a hot one first (`nifi-ca-guard truststore ...`);
 * undefined otherwise (root flags such as --help, other commands, typos), and every command is
 * registered. A subcommand's parsing, help and errors depend on its own definition only, so the
 * program behaves the same either way (test/unit/hot-commands.test.ts compares them).
 */
export function hotCommand(argv: readonly string[]): Promise<Register> | undefined {
  const name = argv[2];
  return name !== undefined && Object.hasOwn(HOT, name) ? HOT[name]!() : undefined;
}
