import type { Register } from './index.js';
import { registerCerts } from './certs.js';
import { registerPreview } from './preview.js';
import { registerServe } from './serve.js';

/** Every subcommand, in help order. */
export const COMMANDS: readonly Register[] = [registerServe, registerPreview, registerCerts];
