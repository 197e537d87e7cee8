package standin;

/**
 * The subject public key of a PKCS#10 request, read from its DER: the server binds the token HMAC to it
 * before signing (keytool -gencert then checks the request's own signature).
 * CertificationRequest ::= SEQUENCE { CertificationRequestInfo ::= SEQUENCE { version, subject,
 * subjectPKInfo SEQUENCE, [0] attributes }, signatureAlgorithm, signature }
 */
final class Csr {
  private Csr() {}

  static byte[] subjectPublicKeyInfo(byte[] der) {
    int[] outer = header(der, 0, 0x30);
    int[] info = header(der, outer[0], 0x30);
    int p = info[0];
    p = skip(der, p, 0x02); // version
    p = skip(der, p, 0x30); // subject Name
    int[] spki = header(der, p, 0x30);
    int start = p;
    int end = spki[0] + spki[1];
    byte[] out = new byte[end - start];
    System.arraycopy(der, start, out, 0, out.length);
    return out;
  }

  /** {content offset, content length} of the element at `at`, which must have tag `tag`. */
  private static int[] header(byte[] d, int at, int tag) {
    if (at + 2 > d.length || (d[at] & 0xff) != tag) throw new IllegalArgumentException("not a PKCS#10 request");
    int len = d[at + 1] & 0xff;
    int p = at + 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      if (n < 1 || n > 3 || p + n > d.length) throw new IllegalArgumentException("bad DER length in the request");
      len = 0;
      for (int k = 0; k < n; k++) len = (len << 8) | (d[p++] & 0xff);
    }
    if (p + len > d.length) throw new IllegalArgumentException("truncated PKCS#10 request");
    return new int[] {p, len};
  }

  private static int skip(byte[] d, int at, int tag) {
    int[] h = header(d, at, tag);
    return h[0] + h[1];
  }
}
