// Paths the webhook's own init containers use on a pod, which a policy must not claim. Kept in the
// policy layer so validation can refuse them without importing the mutation layer.

/** Where the CA-pinning restore init container mounts the private Secret. */
export const INIT_CA_SECRET_DIR = '/var/run/nifi-ca-guard/ca';
