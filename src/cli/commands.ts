import { registerCa } from './ca.js';
import { registerCerts } from './certs.js';
import { registerExplain } from './explain.js';
import type { Register } from './index.js';
import { registerManifests } from './manifests.js';
import { registerPolicy } from './policy.js';
import { registerPreview } from './preview.js';
import { registerServe } from './serve.js';
import { registerTruststore } from './truststore.js';

/** Every subcommand, in help order. */
export const COMMANDS: readonly Register[] = [registerServe, registerPreview, registerExplain, registerPolicy, registerManifests, registerCerts, registerTruststore, registerCa];
