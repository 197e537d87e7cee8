// Proves a toolkit CA keystore is usable the way tls-toolkit's server uses it: the key entry
// opens with keyPassword, and the key signs what the entry's certificate verifies.
// Usage: java KeyCheck.java KEYSTORE TYPE STOREPASS KEYPASS ALIAS
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

public class KeyCheck {
    public static void main(String[] args) throws Exception {
        KeyStore ks = KeyStore.getInstance(args[1]);
        try (InputStream in = new FileInputStream(args[0])) {
            ks.load(in, args[2].toCharArray());
        }
        String alias = args[4];
        if (!ks.isKeyEntry(alias)) throw new IllegalStateException("no key entry " + alias);
        PrivateKey key = (PrivateKey) ks.getKey(alias, args[3].toCharArray());
        X509Certificate cert = (X509Certificate) ks.getCertificate(alias);
        String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] data = "nifi-ca-guard".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(alg);
        signer.initSign(key);
        signer.update(data);
        byte[] sig = signer.sign();
        Signature verifier = Signature.getInstance(alg);
        verifier.initVerify(cert.getPublicKey());
        verifier.update(data);
        if (!verifier.verify(sig)) throw new IllegalStateException("key does not match certificate");
        cert.checkValidity();
        System.out.println("OK " + alg + " entries=" + ks.size() + " ca=" + (cert.getBasicConstraints() >= 0) + " subject=" + cert.getSubjectX500Principal());
    }
}
