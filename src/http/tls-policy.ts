/**
 * TLS 1.2 suites: ECDHE (forward secrecy) with an AEAD cipher, the set Kubernetes components are
 * hardened to (kube-apiserver's recommended --tls-cipher-suites). Node's default list also offers RSA
 * key exchange and CBC-SHA1 suites. TLS 1.3 keeps OpenSSL's defaults, all of them AEAD with (EC)DHE:
 * a cipher string without TLS_* names leaves the 1.3 suites untouched.
 */
export const TLS12_CIPHERS: readonly string[] = Object.freeze([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
]);

export const TLS_MIN_VERSION = 'TLSv1.2' as const;
