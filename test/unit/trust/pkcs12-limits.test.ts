// A PKCS12 store is user input: its MAC iteration count must not keep the CLI busy for minutes.
import { expect } from 'chai';
import forge from 'node-forge';
import { inspectBytes } from '../../../src/trust/inspect.js';
import { buildTruststore } from '../../../src/trust/truststore.js';
import { makeCa, NOW } from '../../support/certs.js';

describe('trust: PKCS12 MAC iteration count', function () {
  this.timeout(20_000);
  it('a count beyond Java’s ceiling (5,000,000) is refused at once, with the count named', () => {
    const store = buildTruststore([{ alias: 'a', der: makeCa({ subject: 'CN=limits' }).cert }], { format: 'pkcs12', password: 'pw', salt: Buffer.alloc(20, 1), now: NOW });
    const pfx = forge.asn1.fromDer(store.toString('binary'));
    const macData = (pfx.value as forge.asn1.Asn1[])[2]!;
    // INTEGER 2^31 - 1 in place of the store's count.
    (macData.value as forge.asn1.Asn1[])[2] = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, '\x7f\xff\xff\xff');
    const bad = Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'binary');
    expect(() => inspectBytes(bad, 'pw')).to.throw(/iteration count 2147483647/);
  });
});
