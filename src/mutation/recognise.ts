// What a container is, read from its image and command line alone: a NiFi node, a toolkit CA server,
// a toolkit enrolment, whether the apache/nifi start script runs. Pure, heuristic and documented in
// the README ("Which containers are NiFi containers"); every planner and the suggest command use it.
import { isJson, readPath, type Json } from './pod.js';

/** Only string items: the API server decodes nothing else here, and String() of an object with its own
 * `toString` key would throw (found by explain's drift property test). */
function words(c: Json): string[] {
  return [c.command, c.args].flatMap((v) => (Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : []));
}

/** Command and args as one line, the way a shell would see them joined. */
export function commandLine(c: Json): string {
  return words(c).join(' ');
}

/** The script a shell runs (`sh -c SCRIPT [NAME ARGS...]`, `bash -ce SCRIPT`), else the whole line. */
export function scriptOf(c: Json): string {
  const all = words(c);
  const shell = all.findIndex((w, i) => /^-[a-z]*c[a-z]*$/.test(w) && i > 0 && /(^|\/)(ba|da|a)?sh$/.test(all[i - 1]!));
  return shell >= 0 ? (all[shell + 1] ?? '') : all.join(' ');
}

/** The repository's last path component: `docker.io/apache/nifi:1.12.1` -> `nifi`. */
export function imageName(image: unknown): string {
  if (typeof image !== 'string') return '';
  const noDigest = image.split('@')[0]!;
  const last = noDigest.split('/').pop()!;
  return last.split(':')[0]!.toLowerCase();
}

/** The image tag as [major, minor, patch] when it is a plain version (1.12.1, 1.28.1-java21); else undefined. */
export function imageVersion(image: unknown): number[] | undefined {
  if (typeof image !== 'string') return undefined;
  const last = image.split('@')[0]!.split('/').pop()!;
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/**
 * The shell commands of a container's line, split at `;`, `&&`, `||`, `|` and newlines. Good enough
 * for the scripts charts embed; quoting is not parsed, so a separator inside quotes splits too.
 */
export function shellCommands(line: string): readonly string[] {
  // One admission asks this of the same script several times (each recogniser, each step): the last
  // answer is kept. Frozen, as it is shared.
  if (line !== lastLine) {
    lastLine = line;
    lastCommands = Object.freeze(line.split(/;|&&?|\|\|?|\n/).map((s) => s.trim()).filter(Boolean));
  }
  return lastCommands;
}
let lastLine = '';
let lastCommands: readonly string[] = Object.freeze([]);

const TOOLKIT = /(^|[\s/"'])tls-toolkit(\.sh)?(\s|"|'|$)/;

/** Whether the line runs `tls-toolkit.sh <mode>` (server, client or standalone). */
export function runsToolkit(c: Json, mode: 'server' | 'client' | 'standalone'): boolean {
  return toolkitCommands(scriptOf(c), mode).length > 0;
}

/** The mode word after tls-toolkit, one pattern per mode (built once: this runs for every container of every pod). */
const MODE_WORD: Record<string, RegExp> = {};

function toolkitCommands(line: string, mode: string): string[] {
  // Most lines never name the toolkit: skip splitting them into commands.
  if (!line.includes('tls-toolkit')) return [];
  const word = (MODE_WORD[mode] ??= new RegExp(`(^|\\s)${mode}(\\s|$)`));
  return shellCommands(line).filter((cmd) => TOOLKIT.test(cmd) && word.test(cmd.slice(cmd.search(/tls-toolkit/))));
}

/**
 * A NiFi node container: an image named `nifi` (apache/nifi or a mirror of it), or a line that starts
 * NiFi (`nifi.sh`, or the apache/nifi image's `scripts/start.sh`). Never a toolkit CA server.
 */
export function isNiFiContainer(c: Json): boolean {
  if (runsToolkit(c, 'server')) return false;
  const image = imageName(c.image);
  if (image === 'nifi') return true;
  // NiFi Registry's image has a scripts/start.sh of its own (${NIFI_REGISTRY_BASE_DIR}/scripts/start.sh).
  if (image === 'nifi-registry') return false;
  const line = commandLine(c);
  const startScripts = line.match(/[^\s"']*scripts\/start\.sh/g) ?? [];
  return /(^|[\s/"'])nifi\.sh(\s|"|'|$)/.test(line) || startScripts.some((path) => !/registry/i.test(path));
}

/** A toolkit CA server container: runs `tls-toolkit.sh server`, or is the toolkit image with no other command. */
export function isToolkitServer(c: Json): boolean {
  if (runsToolkit(c, 'server')) return true;
  return imageName(c.image) === 'nifi-toolkit' && commandLine(c) === '';
}

/**
 * Whether the apache/nifi image's start script runs: `command` replaces the image's ENTRYPOINT, so
 * a container with a command runs the script only when the line calls it.
 */
export function runsStartScript(c: Json): boolean {
  const command = Array.isArray(c.command) && c.command.length > 0;
  return !command || /scripts\/start\.sh/.test(commandLine(c));
}

/**
 * Whether the apache/nifi start script maps TRUSTSTORE_* onto nifi.properties: only its secured
 * modes source secure.sh, chosen by AUTH (tls and ldap; oidc from NiFi 1.20). Unknown when AUTH comes
 * from a Secret, a ConfigMap or envFrom.
 */
export function startScriptReadsTruststoreEnv(c: Json): 'yes' | 'no' | 'unknown' {
  const env = Array.isArray(c.env) ? c.env.filter(isJson) : [];
  const auth = env.find((e) => e.name === 'AUTH');
  if (!auth) return Array.isArray(c.envFrom) && c.envFrom.length > 0 ? 'unknown' : 'no';
  if (typeof auth.value !== 'string') return auth.valueFrom !== undefined ? 'unknown' : 'no';
  if (auth.value === 'tls' || auth.value === 'ldap') return 'yes';
  if (auth.value !== 'oidc') return 'no';
  const v = imageVersion(c.image);
  return v === undefined || v[0]! > 1 || (v[0] === 1 && v[1]! >= 20) ? 'yes' : 'no';
}

/** Where `tls-toolkit.sh client` runs and writes: its directory (when knowable) and config.json path. */
export interface Enrolment {
  /** Absolute working directory of the client, undefined when the script's `cd`s cannot be followed. */
  dir: string | undefined;
  /** The -f/--configJson value as given (default config.json), relative to `dir` unless absolute. */
  configJson: string;
}

/**
 * Follows the script's `cd`s up to the first `tls-toolkit.sh client` and reads its -f/--configJson.
 * The client writes keystore.<type>, truststore.jks and config.json into that directory.
 */
export function enrolment(c: Json): Enrolment | undefined {
  let dir: string | undefined = typeof c.workingDir === 'string' && c.workingDir.startsWith('/') ? c.workingDir : undefined;
  for (const cmd of shellCommands(scriptOf(c))) {
    const cd = /^(?:builtin\s+)?cd(?:\s+(\S+))?\s*$/.exec(cmd);
    if (cd) {
      dir = changeDir(dir, cd[1]);
      continue;
    }
    if (toolkitCommands(cmd, 'client').length > 0) {
      const f = /(?:^|\s)(?:-f|--configJson)(?:\s+|=)("[^"]*"|'[^']*'|\S+)/.exec(cmd);
      return { dir, configJson: f ? f[1]!.replace(/^["']|["']$/g, '') : 'config.json' };
    }
  }
  return undefined;
}

function changeDir(from: string | undefined, arg: string | undefined): string | undefined {
  if (arg === undefined || /[$`~*]/.test(arg)) return undefined; // `cd`, `cd $X`, `cd ~`: not followed
  const target = arg.replace(/^["']|["']$/g, '');
  if (!target.startsWith('/') && from === undefined) return undefined;
  const parts = (target.startsWith('/') ? [] : from!.split('/')).concat(target.split('/'));
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return `/${out.join('/')}`;
}

/** The volume a path lives on in this container: the deepest mount at or above it, and the path inside. */
export function volumeAt(c: Json, path: string): { volume: string; subPath: string; inside: string } | undefined {
  const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts.filter(isJson) : [];
  let best: Json | undefined;
  let bestLen = -1;
  for (const m of mounts) {
    const mp = typeof m.mountPath === 'string' ? m.mountPath.replace(/\/+$/, '') : undefined;
    if (mp === undefined || typeof m.name !== 'string') continue;
    if ((path === mp || path.startsWith(`${mp}/`)) && mp.length > bestLen) {
      best = m;
      bestLen = mp.length;
    }
  }
  if (!best) return undefined;
  const inside = path.slice(bestLen).replace(/^\/+/, '');
  return { volume: String(best.name), subPath: typeof best.subPath === 'string' ? best.subPath : '', inside };
}

/**
 * The claim a directory of the container lives on: a persistentVolumeClaim volume, or a mount the pod
 * spec lists no volume for (a StatefulSet template's volumeClaimTemplates). Undefined otherwise.
 */
export function claimAt(pod: Json, c: Json, dir: string): { volume: string; claim: string } | undefined {
  const at = volumeAt(c, dir.replace(/\/+$/, '') || '/');
  if (!at) return undefined;
  const volumes = readPath(pod, 'spec', 'volumes');
  const volume = Array.isArray(volumes) ? volumes.find((v) => isJson(v) && v.name === at.volume) : undefined;
  if (!isJson(volume)) return { volume: at.volume, claim: at.volume };
  return isJson(volume.persistentVolumeClaim) ? { volume: at.volume, claim: String(volume.persistentVolumeClaim.claimName) } : undefined;
}

/** The pod-level uid a container runs as, when set; the container's own setting wins. */
export function runAsUserOf(spec: Json, c: Json): number | undefined {
  const own = readPath(c, 'securityContext', 'runAsUser');
  if (typeof own === 'number' && Number.isInteger(own)) return own;
  const pod = readPath(spec, 'securityContext', 'runAsUser');
  return typeof pod === 'number' && Number.isInteger(pod) ? pod : undefined;
}
