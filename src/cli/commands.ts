import type { Register } from './index.js';
import { registerPreview } from './preview.js';

/** Every subcommand, in help order. */
export const COMMANDS: readonly Register[] = [registerPreview];
