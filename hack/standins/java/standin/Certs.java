package standin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Certificates, stores, fingerprints and the token HMAC, shared by the toolkit and NiFi stand-ins. */
final class Certs {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Certs() {}

  /** SHA-256 of the DER, upper-case hex pairs joined by ':' (keytool's "SHA256:" form). */
  static String sha256(Certificate c) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
      StringBuilder b = new StringBuilder();
      for (byte x : d) {
        if (b.length() > 0) b.append(':');
        b.append(String.format("%02X", x & 0xff));
      }
      return b.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "CN=nifi-ca, OU=NIFI": the form NiFi and keytool print. */
  static String subject(X509Certificate c) {
    return c.getSubjectX500Principal().toString();
  }

  static String issuer(X509Certificate c) {
    return c.getIssuerX500Principal().toString();
  }

  static String pem(Certificate c) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<X509Certificate> parseCerts(String pem) throws GeneralSecurityException {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    for (Certificate c : f.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      out.add((X509Certificate) c);
    }
    return out;
  }

  /** The DER inside the first PEM block labelled `label`. */
  static byte[] pemBody(String pem, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int a = pem.indexOf(begin);
    int b = pem.indexOf(end, Math.max(a, 0));
    if (a < 0 || b < 0) throw new IllegalArgumentException("no " + label + " PEM block");
    return Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), b));
  }

  /** A random password like the toolkit's (URL-safe base64 of 24 random bytes: safe in sed and shells). */
  static String password() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** HMAC-SHA256 keyed by the token, base64: what each side of the enrolment proves the token with. */
  static String hmac(String token, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean sameHmac(String a, String b) {
    return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  /** JKS or PKCS12 (any case), as NiFi 1.x and the toolkit accept; anything else is refused by name. */
  static String storeType(String type, String what) {
    String t = type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
    if (t.equals("JKS") || t.equals("PKCS12")) return t;
    if (t.equals("BCFKS")) throw new IllegalArgumentException(what + " type BCFKS is not supported by the stand-in");
    throw new IllegalArgumentException(what + " type \"" + type + "\" is not JKS or PKCS12");
  }

  /**
   * Loads a store strictly: the file must exist and the password must open it (no integrity-check
   * bypass with a null password). `what` names it in errors, never the password.
   */
  static KeyStore load(Path path, String type, String password, String what) {
    String t = storeType(type, what);
    if (password == null || password.isEmpty()) throw new IllegalArgumentException(what + " " + path + ": no password given");
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore ks = KeyStore.getInstance(t);
      ks.load(in, password.toCharArray());
      return ks;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + path + " does not exist");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot load " + what + " " + path + " (" + t + "): " + Log.why(e));
    }
  }

  /** Trusted-certificate entries, in alias order. */
  static List<String> trustedAliases(KeyStore ks) throws GeneralSecurityException {
    List<String> out = new ArrayList<>();
    for (String a : Collections.list(ks.aliases())) {
      if (ks.isCertificateEntry(a)) out.add(a);
    }
    Collections.sort(out);
    return out;
  }

  static List<String> keyAliases(KeyStore ks) throws GeneralSecurityException {
    List<String> out = new ArrayList<>();
    for (String a : Collections.list(ks.aliases())) {
      if (ks.isKeyEntry(a)) out.add(a);
    }
    Collections.sort(out);
    return out;
  }
}
