import { readFileSync } from 'node:fs';
import { repoPath } from '../support/paths.js';

/** The image's NODE_OPTIONS (the Dockerfile's `ENV NODE_OPTIONS=` line): benchmarks run serve as it ships. */
export const IMAGE_NODE_OPTIONS = /^ENV NODE_OPTIONS=(.*)$/m.exec(readFileSync(repoPath('Dockerfile'), 'utf8'))?.[1]?.trim() ?? '';
