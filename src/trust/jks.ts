// The JKS codec lives in src/pki; this path stays because the Java proofs (test/java) import it and
// run unchanged.
export * from '../pki/jks.js';
