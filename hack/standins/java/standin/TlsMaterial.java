package standin;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The keystore and truststore nifi.properties names (nifi.security.*), loaded strictly, and the
 * SSLContext NiFi would build from them: default key manager and PKIX trust of that truststore only.
 */
final class TlsMaterial {
  final SSLContext context;
  /** What was loaded, one line each, for the log (no passwords). */
  final List<String> described = new ArrayList<>();

  TlsMaterial(NiFiProperties p) throws Exception {
    Path ksPath = p.path(p.require("nifi.security.keystore"));
    String ksType = Certs.storeType(p.require("nifi.security.keystoreType"), "nifi.security.keystoreType");
    String ksPw = p.require("nifi.security.keystorePasswd");
    String keyPw = p.get("nifi.security.keyPasswd").isEmpty() ? ksPw : p.get("nifi.security.keyPasswd");
    Path tsPath = p.path(p.require("nifi.security.truststore"));
    String tsType = Certs.storeType(p.require("nifi.security.truststoreType"), "nifi.security.truststoreType");
    String tsPw = p.require("nifi.security.truststorePasswd");

    KeyStore ks = Certs.load(ksPath, ksType, ksPw, "keystore");
    List<String> keys = Certs.keyAliases(ks);
    if (keys.isEmpty()) throw new IllegalArgumentException("keystore " + ksPath + " holds no private key entry");
    for (String alias : keys) {
      try {
        ks.getKey(alias, keyPw.toCharArray());
      } catch (UnrecoverableKeyException e) {
        throw new IllegalArgumentException("nifi.security.keyPasswd does not open key \"" + alias + "\" of keystore " + ksPath);
      }
      X509Certificate leaf = (X509Certificate) ks.getCertificate(alias);
      described.add("keystore " + ksPath + " (" + ksType + ") key \"" + alias + "\" subject \"" + Certs.subject(leaf)
          + "\" issuer \"" + Certs.issuer(leaf) + "\" sha256=" + Certs.sha256(leaf));
    }
    KeyStore ts = Certs.load(tsPath, tsType, tsPw, "truststore");
    List<String> trusted = Certs.trustedAliases(ts);
    described.add("truststore " + tsPath + " (" + tsType + "): " + trusted.size() + " trusted certificate(s)");
    for (String alias : trusted) {
      X509Certificate c = (X509Certificate) ts.getCertificate(alias);
      described.add("trusts \"" + alias + "\" subject \"" + Certs.subject(c) + "\" sha256=" + Certs.sha256(c));
    }

    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, keyPw.toCharArray());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
  }
}
