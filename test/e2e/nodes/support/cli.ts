// The project's CLI from the build, against the cluster with nodes through the suite's kubeconfig (as an
// operator runs `nifi-ca-guard ca init --apply` with their own).
import { runCli } from '../../../support/cli.js';
import { e2eEnv } from '../../support/env.js';

/** Runs the CLI and returns what it printed (stdout and stderr, interleaved); throws unless it exits 0. */
export async function cliOk(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runCli(args, { env: { KUBECONFIG: e2eEnv().kubeconfig, ...env }, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`nifi-ca-guard ${args.join(' ')} exited ${r.code}: ${r.output.trim()}`);
  return r.output;
}
