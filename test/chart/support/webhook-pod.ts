// Reading the webhook's Deployment as the tests need it: its container, args as flags, env as a map.
import type { KubeObject } from '../../../src/install/types.js';

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  securityContext?: unknown;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface PodSpec {
  containers: Container[];
  volumes?: Array<{ name: string; secret?: { secretName: string }; configMap?: { name: string } }>;
  securityContext?: unknown;
  serviceAccountName?: string;
}

export function podSpec(deployment: KubeObject): PodSpec {
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

export function webhookContainer(deployment: KubeObject): Container {
  const c = podSpec(deployment).containers.find((x) => x.name === 'webhook');
  if (!c) throw new Error('no container named webhook');
  return c;
}

/**
 * `serve` args as flag -> value (`--a=b`, `--a b`, bare `--a` -> 'true'). A flag given twice is an
 * error: which one wins would depend on the parser.
 */
export function flags(args: readonly string[]): Map<string, string> {
  if (args[0] !== 'serve') throw new Error(`args must start with serve, got ${JSON.stringify(args[0])}`);
  const out = new Map<string, string>();
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    const eq = a.indexOf('=');
    let name: string;
    let value: string;
    if (eq > 0) [name, value] = [a.slice(2, eq), a.slice(eq + 1)];
    else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('--')) [name, value] = [a.slice(2), args[++i]!];
    else [name, value] = [a.slice(2), 'true'];
    if (out.has(name)) throw new Error(`--${name} given twice`);
    out.set(name, value);
  }
  return out;
}

export function envMap(c: Container): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const e of c.env ?? []) {
    if (out.has(e.name)) throw new Error(`env ${e.name} set twice`);
    out.set(e.name, e.valueFrom ?? e.value);
  }
  return out;
}
