// The real source of certificates for the planner: fresh RSA 2048 keys, random serials, SHA-256.
import { issueCa, issueLeaf } from '../tls/issue.js';
import type { Mint } from './tls-plan.js';

export const realMint: Mint = {
  // The CN carries the creation time so old and new CA are told apart in caBundles and logs.
  ca: (now, validityMs) => issueCa(now, { commonName: `nifi-ca-guard webhook CA ${now.toISOString()}`, validityMs }),
  leaf: (now, ca, dnsNames, validityMs, notAfterCap) => issueLeaf(now, ca, { dnsNames, validityMs, notAfterCap }),
};
