import { registerCa } from './ca.js';
import type { Register } from './index.js';
import { registerTruststore } from './truststore.js';

/** Every subcommand, in help order. */
export const COMMANDS: readonly Register[] = [registerTruststore, registerCa];
