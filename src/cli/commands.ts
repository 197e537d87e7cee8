import type { Register } from './index.js';

/** Every subcommand, in help order. */
export const COMMANDS: readonly Register[] = [];
