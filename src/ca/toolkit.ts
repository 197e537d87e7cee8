// The NiFi TLS toolkit's CA working-directory layout. `tls-toolkit.sh server --configJson config.json
// --useConfigJson` reuses its CA only when config.json (passwords, token) and the keystore it names
// (`nifi-ca-keystore.<type>`, key entry alias `nifi-key`) are both in its working directory.
import type { KeyObject } from 'node:crypto';
import { encryptPrivateKey, writeJks, writePkcs12 } from '../pki/index.js';
import { certInfo } from '../trust/cert.js';

export type ToolkitKeystoreType = 'jks' | 'pkcs12';
export const TOOLKIT_KEY_ALIAS = 'nifi-key';
export const TOOLKIT_CONFIG_FILE = 'config.json';
export const toolkitKeystoreFile = (type: ToolkitKeystoreType): string => `nifi-ca-keystore.${type}`;

/** config.json as the toolkit reads (and writes) it: TlsConfig's field names. */
export interface ToolkitConfig {
  days: number;
  keySize: number;
  keyPairAlgorithm: string;
  signingAlgorithm: string;
  dn: string;
  keyStore: string;
  keyStoreType: ToolkitKeystoreType;
  keyStorePassword: string;
  keyPassword: string;
  token: string;
  caHostname: string;
  port: number;
  dnPrefix: string;
  dnSuffix: string;
  reorderDn: boolean;
  additionalCACertificate: string;
  domainAlternativeNames: string[] | null;
}

export interface ToolkitInputs {
  caCert: Uint8Array;
  privateKey: KeyObject;
  keystoreType: ToolkitKeystoreType;
  /** Keystore and key password (the toolkit uses one for both by default). */
  password: string;
  token: string;
  caHostname: string;
  port: number;
  /** Lifetime the toolkit gives the node certificates it issues. */
  leafDays: number;
  now: Date;
  /** 20 random bytes (JKS KeyProtector salt / PKCS12 MAC salt). */
  salt: Uint8Array;
}

export class ToolkitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolkitError';
  }
}

export function toolkitConfig(inp: ToolkitInputs): ToolkitConfig {
  if (inp.token.length < 16) throw new ToolkitError('the toolkit token must be at least 16 characters');
  const info = certInfo(inp.caCert);
  const rsa = inp.privateKey.asymmetricKeyType === 'rsa';
  return {
    days: inp.leafDays,
    keySize: rsa ? (inp.privateKey.asymmetricKeyDetails?.modulusLength ?? 2048) : 2048,
    keyPairAlgorithm: 'RSA',
    signingAlgorithm: rsa ? 'SHA256WITHRSA' : 'SHA256WITHECDSA',
    dn: info.subject,
    keyStore: toolkitKeystoreFile(inp.keystoreType),
    keyStoreType: inp.keystoreType,
    keyStorePassword: inp.password,
    keyPassword: inp.password,
    token: inp.token,
    caHostname: inp.caHostname,
    port: inp.port,
    dnPrefix: 'CN=',
    dnSuffix: ', OU=NIFI',
    reorderDn: true,
    additionalCACertificate: '',
    domainAlternativeNames: null,
  };
}

/** The CA keystore: one private-key entry `nifi-key` whose chain is the CA certificate. */
export function toolkitKeystore(inp: ToolkitInputs): Buffer {
  if (!inp.password) throw new ToolkitError('the keystore password must not be empty');
  if (inp.keystoreType === 'jks') {
    const pkcs8 = inp.privateKey.export({ type: 'pkcs8', format: 'der' });
    return writeJks([{ kind: 'key', alias: TOOLKIT_KEY_ALIAS, pkcs8, chain: [inp.caCert] }], {
      password: inp.password,
      date: inp.now,
      keySalt: inp.salt,
    });
  }
  const encryptedPkcs8 = encryptPrivateKey(inp.privateKey.export({ type: 'pkcs8', format: 'der' }), inp.password);
  return writePkcs12([], { password: inp.password, salt: inp.salt }, { alias: TOOLKIT_KEY_ALIAS, encryptedPkcs8, chain: [inp.caCert] });
}

export function renderConfig(cfg: ToolkitConfig): string {
  return `${JSON.stringify(cfg, null, 2)}\n`;
}

/** Reads config.json; checks just what restoring and rotating rely on. */
export function parseToolkitConfig(text: string): ToolkitConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ToolkitError('config.json is not valid JSON');
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ToolkitError('config.json is not a JSON object');
  const c = doc as Partial<ToolkitConfig>;
  for (const field of ['keyStore', 'keyStorePassword', 'token'] as const) {
    if (typeof c[field] !== 'string' || !c[field]) throw new ToolkitError(`config.json has no ${field}`);
  }
  const ks = c.keyStore!;
  if (ks.includes('/') || ks.includes('\\') || ks === '.' || ks === '..') throw new ToolkitError('config.json keyStore must be a file name in the working directory');
  const type = (c.keyStoreType ?? 'jks').toLowerCase();
  if (type !== 'jks' && type !== 'pkcs12') throw new ToolkitError(`config.json keyStoreType ${type} is not supported (jks, pkcs12)`);
  return { ...(c as ToolkitConfig), keyStoreType: type };
}
