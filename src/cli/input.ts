// What preview and policy suggest both read: Kubernetes objects from a file or stdin, and a -n namespace.
import { readFileSync } from 'node:fs';
import { isDnsLabel } from '../policy/fields.js';
import { flatten } from '../preview/preview.js';
import { parseObjects } from '../preview/read.js';
import type { Json } from '../mutation/pod.js';
import { CliError, oneLine } from './errors.js';

/** The objects of a YAML/JSON stream (Lists expanded); one line naming the file or document on any problem. */
export function readObjects(filename: string): { objects: Json[]; source: string } {
  const source = filename === '-' ? '(stdin)' : filename;
  let text: string;
  try {
    text = readFileSync(filename === '-' ? 0 : filename, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? oneLine(err)}`);
  }
  let objects: Json[];
  try {
    objects = flatten(parseObjects(text, source));
  } catch (err) {
    throw new CliError(oneLine(err));
  }
  if (objects.length === 0) throw new CliError(`${source}: no Kubernetes objects found`);
  return { objects, source };
}

/** A -n value: it ends up in anti-affinity terms and policies, so a name the API server would refuse is refused here. */
export function checkNamespaceFlag(namespace: string): void {
  if (!isDnsLabel(namespace)) throw new CliError(`-n: must be a namespace name (DNS label), got ${JSON.stringify(namespace)}`);
}
