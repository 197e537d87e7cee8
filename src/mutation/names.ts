// Names the webhook owns on a pod. Anything else on the pod belongs to the user.

export const ANNOTATION_PREFIX = 'nifi-ca-guard.io';
export const ANN_ROLE = `${ANNOTATION_PREFIX}/role`;
export const ANN_POLICY = `${ANNOTATION_PREFIX}/policy`;
export const ANN_STATUS = `${ANNOTATION_PREFIX}/status`;
export const ANN_SKIP = `${ANNOTATION_PREFIX}/skip`;

export const BUNDLE_VOLUME = 'nifi-ca-guard-bundle';
export const TRUSTSTORE_VOLUME = 'nifi-ca-guard-truststore';
export const INIT_CONTAINER = 'nifi-ca-guard-truststore';

/** The uid this project's image runs as (the Dockerfile's USER). */
export const IMAGE_UID = 65532;

/** Where the init container sees the bundle Secret and writes the truststore. */
export const INIT_BUNDLE_DIR = '/var/run/nifi-ca-guard/bundle';
export const INIT_TRUSTSTORE_DIR = '/var/run/nifi-ca-guard/truststore';

/** Merge wiring: the init container that adds the bundle into the store enrolment wrote, and where it sees that volume. */
export const MERGE_CONTAINER = 'nifi-ca-guard-trust-merge';
export const INIT_TARGET_DIR = '/var/run/nifi-ca-guard/target';

export const ENV_PATH = 'TRUSTSTORE_PATH';
export const ENV_TYPE = 'TRUSTSTORE_TYPE';
export const ENV_PASSWORD = 'TRUSTSTORE_PASSWORD';
export const TRUSTSTORE_ENV = [ENV_PATH, ENV_TYPE, ENV_PASSWORD] as const;

/** File name of the truststore per format, and the type string NiFi expects. */
export const TRUSTSTORE_FILE = { pkcs12: 'truststore.p12', jks: 'truststore.jks', pem: 'truststore.pem' } as const;
export const NIFI_TRUSTSTORE_TYPE = { pkcs12: 'PKCS12', jks: 'JKS', pem: 'PEM' } as const;

/** CA pinning on nifi-ca pods: the private Secret, read-only, and the toolkit's writable working directory. */
export const CA_SECRET_VOLUME = 'nifi-ca-guard-ca-secret';
export const CA_WORKDIR_VOLUME = 'nifi-ca-guard-ca-workdir';
export const CA_RESTORE_CONTAINER = 'nifi-ca-guard-ca-restore';
export { INIT_CA_SECRET_DIR } from '../policy/reserved.js';
