// PKCS12 stores in BER, as BouncyCastle (the NiFi toolkit's PKCS12 provider) writes them: indefinite
// lengths and chunked OCTET STRINGs. They must read, inspect and merge like their DER twins.
import { expect } from 'chai';
import forge from 'node-forge';
import { inspectBytes } from '../../../src/trust/inspect.js';
import { mergeTruststore } from '../../../src/trust/merge.js';
import { buildTruststore } from '../../../src/trust/truststore.js';
import { makeCa, NOW } from '../../support/certs.js';

const PW = 'changeit';

/** One DER TLV at `off`: tag, header length, content. Fixture code: DER in, no validation. */
function tlvAt(b: Buffer, off: number): { tag: number; hdr: number; len: number } {
  const tag = b[off]!;
  let len = b[off + 1]!;
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[off + 2 + i]!;
    hdr += n;
  }
  return { tag, hdr, len };
}

/** Re-encodes DER as BER: every constructed value with an indefinite length, OCTET STRINGs in 7-byte chunks. */
function toBer(der: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let off = 0; off < der.length; ) {
    const { tag, hdr, len } = tlvAt(der, off);
    const content = der.subarray(off + hdr, off + hdr + len);
    if (tag & 0x20) out.push(Buffer.from([tag, 0x80]), toBer(content), Buffer.from([0, 0]));
    else if (tag === 0x04 && content.length > 7) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < content.length; i += 7) {
        const c = content.subarray(i, i + 7);
        chunks.push(Buffer.from([0x04, c.length]), c);
      }
      out.push(Buffer.from([0x24, 0x80]), ...chunks, Buffer.from([0, 0]));
    } else out.push(der.subarray(off, off + hdr + len));
    off += hdr + len;
  }
  return Buffer.concat(out);
}

/** The value of the first TLV of `der` (a DER SEQUENCE's elements). */
const contentOf = (der: Buffer): Buffer => {
  const { hdr, len } = tlvAt(der, 0);
  return der.subarray(hdr, hdr + len);
};

/** DER TLV with a definite length (for the few outer layers assembled by hand). */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

/**
 * The store buildTruststore writes, rebuilt in BER from its own parts: SafeContents, AuthenticatedSafe
 * and PFX each indefinite-length and chunked, with the MAC recomputed over the BER AuthenticatedSafe
 * (forge's PKCS#12 key derivation and HMAC, independent of the code under test).
 */
function berTwin(der: Buffer): Buffer {
  const [version, authSafeCi] = elements(contentOf(der));
  const authSafe = contentOf(contentOf(elements(contentOf(authSafeCi!))[1]!)); // [0] { OCTET STRING }
  const [dataCi] = elements(contentOf(authSafe));
  const safeContents = contentOf(contentOf(elements(contentOf(dataCi!))[1]!));
  const dataOid = elements(contentOf(dataCi!))[0]!;
  const berData = tlv(0x30, Buffer.concat([dataOid, tlv(0xa0, tlv(0x04, toBer(safeContents)))]));
  const berAuthSafe = toBer(tlv(0x30, berData));
  const salt = Buffer.alloc(20, 6);
  const key = forge.pkcs12.generateKey(PW, forge.util.createBuffer(salt.toString('binary')), 3, 2048, 20, forge.md.sha1.create());
  const hmac = forge.hmac.create();
  hmac.start('sha1', key.getBytes());
  hmac.update(berAuthSafe.toString('binary'));
  const mac = Buffer.from(hmac.digest().getBytes(), 'binary');
  const sha1 = Buffer.from('06052b0e03021a0500', 'hex'); // OID 1.3.14.3.2.26, NULL
  const macData = tlv(0x30, Buffer.concat([tlv(0x30, Buffer.concat([tlv(0x30, sha1), tlv(0x04, mac)])), tlv(0x04, salt), Buffer.from('02020800', 'hex')]));
  return toBer(tlv(0x30, Buffer.concat([version!, tlv(0x30, Buffer.concat([dataOid, tlv(0xa0, tlv(0x04, berAuthSafe))])), macData])));
}

function elements(content: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < content.length; ) {
    const { hdr, len } = tlvAt(content, off);
    out.push(content.subarray(off, off + hdr + len));
    off += hdr + len;
  }
  return out;
}

describe('trust: PKCS12 in BER (indefinite lengths, chunked OCTET STRINGs)', function () {
  this.timeout(60_000);
  const cas = [makeCa({ subject: 'CN=ber-one' }), makeCa({ subject: 'CN=ber-two', key: 'rsa' })];
  const extra = makeCa({ subject: 'CN=ber-three' });
  const der = buildTruststore(
    cas.map((c) => ({ alias: `alias-${c.subject.slice(3)}`, der: c.cert })),
    { format: 'pkcs12', password: PW, salt: Buffer.alloc(20, 1), now: NOW },
  );
  const ber = berTwin(der);

  it('the fixture really is BER: indefinite lengths at the top and inside', () => {
    expect(ber[1]).to.equal(0x80);
    expect(ber.includes(Buffer.from([0x24, 0x80]))).to.equal(true);
    expect(ber.equals(der)).to.equal(false);
  });

  it('ca inspect lists the same entries as from the DER store, MAC verified', () => {
    const fromDer = inspectBytes(der, PW);
    const fromBer = inspectBytes(ber, PW);
    expect(fromBer.format).to.equal('pkcs12');
    expect(fromBer.warnings).to.deep.equal([]);
    expect(fromBer.entries.map((e) => [e.alias, e.kind, e.cert.sha256])).to.deep.equal(fromDer.entries.map((e) => [e.alias, e.kind, e.cert.sha256]));
    expect(() => inspectBytes(ber, 'wrong')).to.throw(/integrity/);
  });

  it('truststore --merge keeps its entries and adds the new CA; the result reads back', () => {
    const r = mergeTruststore({ store: ber, type: 'pkcs12', password: PW, anchors: [...cas, extra].map((c) => ({ der: c.cert })), now: NOW, salt: Buffer.alloc(20, 2) });
    expect(r.kept).to.deep.equal(['alias-ber-one', 'alias-ber-two']);
    expect(r.added).to.have.length(1);
    const back = inspectBytes(r.bytes!, PW);
    expect(back.entries.map((e) => e.cert.subject).sort()).to.deep.equal(['CN=ber-one', 'CN=ber-three', 'CN=ber-two']);
    expect(back.entries.every((e) => e.kind === 'trusted')).to.equal(true);
  });
});
