package standin;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * NiFi 1.14 and later start secured by default: when the keystore and truststore files are both absent
 * and their passwords blank, NiFi generates a self-signed key and certificate (PKCS12) and writes the
 * new passwords into nifi.properties. This is what an apache/nifi container gets when start.sh did not
 * apply KEYSTORE_* / TRUSTSTORE_* (AUTH unset).
 */
final class SelfSigned {
  private SelfSigned() {}

  /** True when it generated the stores. */
  static boolean generateIfDefault(NiFiProperties p, String version) throws Exception {
    if (!atLeast(version, 1, 14)) return false;
    String ks = p.get("nifi.security.keystore");
    String ts = p.get("nifi.security.truststore");
    if (ks.isEmpty() || ts.isEmpty()) return false;
    Path ksPath = p.path(ks);
    Path tsPath = p.path(ts);
    if (Files.exists(ksPath) || Files.exists(tsPath)) return false;
    if (!p.get("nifi.security.keystorePasswd").isEmpty() || !p.get("nifi.security.truststorePasswd").isEmpty()) return false;

    String ksPw = Certs.password();
    String tsPw = Certs.password();
    String host = InetAddress.getLocalHost().getHostName();
    String san = "SAN=dns:localhost" + (host.matches("(?i)[a-z0-9.-]+") && !host.equals("localhost") ? ",dns:" + host : "");
    Keytool.run(null, "-genkeypair", "-alias", "generated", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
        "-dname", "CN=localhost, OU=NIFI", "-validity", "60", "-ext", san,
        "-keystore", ksPath.toString(), "-storetype", "PKCS12", "-storepass", ksPw, "-keypass", ksPw);
    String cert = Keytool.run(null, "-exportcert", "-rfc", "-alias", "generated", "-keystore", ksPath.toString(), "-storetype", "PKCS12", "-storepass", ksPw);
    Keytool.run(cert.getBytes(StandardCharsets.US_ASCII), "-importcert", "-noprompt", "-alias", "generated",
        "-keystore", tsPath.toString(), "-storetype", "PKCS12", "-storepass", tsPw);
    p.set("nifi.security.keystoreType", "PKCS12");
    p.set("nifi.security.keystorePasswd", ksPw);
    p.set("nifi.security.keyPasswd", ksPw);
    p.set("nifi.security.truststoreType", "PKCS12");
    p.set("nifi.security.truststorePasswd", tsPw);
    return true;
  }

  static boolean atLeast(String version, int major, int minor) {
    String[] parts = version == null ? new String[0] : version.split("\\.");
    try {
      int ma = Integer.parseInt(parts[0]);
      int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
