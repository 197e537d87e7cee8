package standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * `tls-toolkit.sh server`: the nifi-ca. Loads its CA from config.json (--useConfigJson) or makes a new
 * one in the working directory, serves HTTPS with the CA key, and signs requests that prove the token.
 */
final class CaServer {
  static final String P = "nifi-ca stand-in: ";
  static final String ALIAS = "nifi-key";
  static final int DEFAULT_DAYS = 825;

  private final Path keystore;
  private final String storeType;
  private final String storePassword;
  private final String keyPassword;
  private final String token;
  private final int days;
  private final X509Certificate ca;

  private CaServer(Path keystore, String storeType, String storePassword, String keyPassword, String token, int days, X509Certificate ca) {
    this.keystore = keystore;
    this.storeType = storeType;
    this.storePassword = storePassword;
    this.keyPassword = keyPassword;
    this.token = token;
    this.days = days;
    this.ca = ca;
  }

  static final String[] VALUED = {"-c|--certificateAuthorityHostname", "-t|--token", "-p|--PORT", "-f|--configJson", "--configJsonIn", "-T|--keyStoreType", "-D|--dn", "-d|--days", "-k|--keySize"};
  static final String[] FLAGS = {"-F|--useConfigJson"};

  static void main(String[] argv) throws Exception {
    Args a = Args.parse(argv, 1, VALUED, FLAGS);
    for (String f : a.ignored) Log.line(P + "ignoring " + f + " (not implemented by the stand-in)");
    Path cwd = Path.of("").toAbsolutePath();
    String host = a.get("-c", "localhost");
    int port = a.port("-p", 8443);
    int days = a.port("-d", DEFAULT_DAYS);
    Path configFile = cwd.resolve(a.get("--configJsonIn", a.get("-f", "config.json")));
    boolean useConfig = a.has("-F") || a.has("--configJsonIn");

    CaServer server;
    String origin;
    if (useConfig) {
      Map<String, Object> cfg = ToolkitConfig.read(configFile, "--useConfigJson");
      String ksName = Json.str(cfg, "keyStore");
      if (ksName == null || ksName.isEmpty()) throw new IllegalArgumentException(configFile + " has no keyStore");
      String type = Certs.storeType(Json.str(cfg, "keyStoreType") == null ? "jks" : Json.str(cfg, "keyStoreType"), "keyStoreType");
      String sp = Json.str(cfg, "keyStorePassword");
      String kp = Json.str(cfg, "keyPassword") == null || Json.str(cfg, "keyPassword").isEmpty() ? sp : Json.str(cfg, "keyPassword");
      String tok = ToolkitConfig.token(Json.str(cfg, "token") != null ? Json.str(cfg, "token") : a.get("-t"));
      Integer cfgPort = ToolkitConfig.integer(cfg, "port");
      if (cfgPort != null && cfgPort != port) {
        Log.line(P + "port " + cfgPort + " from " + configFile.getFileName() + " replaces -p " + port + " (--useConfigJson reads every setting from the file)");
        port = cfgPort;
      }
      Integer cfgDays = ToolkitConfig.integer(cfg, "days");
      Path ks = cwd.resolve(ksName);
      KeyStore store = Certs.load(ks, type, sp, "CA keystore");
      server = new CaServer(ks, type, sp, kp, tok, cfgDays != null && cfgDays > 0 ? cfgDays : days, caCertificate(store, ks, kp));
      origin = "restored from config.json";
    } else {
      String type = Certs.storeType(a.get("-T", "JKS"), "keyStoreType");
      String tok = ToolkitConfig.token(a.get("-t"));
      Path ks = cwd.resolve("nifi-ca-keystore." + type.toLowerCase(Locale.ROOT));
      if (Files.exists(ks)) {
        throw new IllegalArgumentException(ks.getFileName() + " already exists in " + cwd + " and --useConfigJson was not given: the real toolkit"
            + " opens it with a new random password and fails too; start with --configJson config.json --useConfigJson");
      }
      String pw = Certs.password();
      String dn = a.get("-D", "CN=" + host + ", OU=NIFI");
      int keySize = a.port("-k", 2048);
      Keytool.run(null, "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", String.valueOf(keySize), "-sigalg", "SHA256withRSA",
          "-dname", dn, "-validity", String.valueOf(days), "-startdate", "-1d", "-ext", "BC:c=ca:true", "-ext", "KU:c=keyCertSign,cRLSign,digitalSignature",
          "-keystore", ks.toString(), "-storetype", type, "-storepass", pw, "-keypass", pw);
      KeyStore store = Certs.load(ks, type, pw, "CA keystore");
      X509Certificate caCert = caCertificate(store, ks, pw);
      Map<String, Object> cfg = new LinkedHashMap<>();
      cfg.put("days", days);
      cfg.put("keySize", keySize);
      cfg.put("keyPairAlgorithm", "RSA");
      cfg.put("signingAlgorithm", "SHA256WITHRSA");
      cfg.put("dn", Certs.subject(caCert));
      cfg.put("keyStore", ks.getFileName().toString());
      cfg.put("keyStoreType", type.toLowerCase(Locale.ROOT));
      cfg.put("keyStorePassword", pw);
      cfg.put("keyPassword", pw);
      cfg.put("token", tok);
      cfg.put("caHostname", host);
      cfg.put("port", port);
      cfg.put("dnPrefix", "CN=");
      cfg.put("dnSuffix", ", OU=NIFI");
      cfg.put("reorderDn", true);
      cfg.put("additionalCACertificate", "");
      cfg.put("domainAlternativeNames", null);
      ToolkitConfig.write(configFile, cfg);
      server = new CaServer(ks, type, pw, pw, tok, days, caCert);
      origin = "new key";
    }
    Log.line(P + "CA \"" + Certs.subject(server.ca) + "\" sha256=" + Certs.sha256(server.ca) + " (" + origin + ")");
    server.serve(port);
  }

  /** The certificate of key entry nifi-key, after checking that the key password opens its key. */
  private static X509Certificate caCertificate(KeyStore store, Path ks, String keyPassword) throws Exception {
    if (!store.isKeyEntry(ALIAS)) throw new IllegalArgumentException("CA keystore " + ks + " has no key entry " + ALIAS);
    try {
      Key k = store.getKey(ALIAS, keyPassword == null ? new char[0] : keyPassword.toCharArray());
      if (!(k instanceof PrivateKey)) throw new IllegalArgumentException("entry " + ALIAS + " of " + ks + " holds no private key");
    } catch (java.security.UnrecoverableKeyException e) {
      throw new IllegalArgumentException("keyPassword does not open entry " + ALIAS + " of " + ks + ": " + Log.why(e));
    }
    Certificate c = store.getCertificate(ALIAS);
    if (!(c instanceof X509Certificate)) throw new IllegalArgumentException("entry " + ALIAS + " of " + ks + " has no X.509 certificate");
    return (X509Certificate) c;
  }

  private void serve(int port) throws Exception {
    KeyStore store = Certs.load(keystore, storeType, storePassword, "CA keystore");
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    // The serving copy holds only the CA entry, under one password, in memory.
    KeyStore serving = KeyStore.getInstance("PKCS12");
    serving.load(null, null);
    char[] mem = Certs.password().toCharArray();
    serving.setKeyEntry(ALIAS, store.getKey(ALIAS, keyPassword.toCharArray()), mem, store.getCertificateChain(ALIAS));
    kmf.init(serving, mem);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    HttpsServer http = HttpsServer.create(new InetSocketAddress(port), 32);
    http.setHttpsConfigurator(new HttpsConfigurator(ctx));
    http.createContext("/", this::handle);
    http.setExecutor(Executors.newFixedThreadPool(4));
    http.start();
    Log.line(P + "listening on port " + port + " (HTTPS with the CA key)");
  }

  private void handle(HttpExchange ex) throws IOException {
    String from = ex.getRemoteAddress().getAddress().getHostAddress();
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        reply(ex, 405, Map.of("error", "POST a certificate request"));
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(64 * 1024);
      }
      String csrPem;
      String hmac;
      byte[] spki;
      try {
        Map<String, Object> req = Json.object(new String(body, StandardCharsets.UTF_8), "request");
        csrPem = Json.str(req, "csr");
        hmac = Json.str(req, "hmac");
        if (csrPem == null || hmac == null) throw new IllegalArgumentException("request lacks csr or hmac");
        byte[] der = csrPem.contains("NEW CERTIFICATE REQUEST") ? Certs.pemBody(csrPem, "NEW CERTIFICATE REQUEST") : Certs.pemBody(csrPem, "CERTIFICATE REQUEST");
        spki = Csr.subjectPublicKeyInfo(der);
      } catch (IllegalArgumentException e) {
        Log.line(P + "refused a request from " + from + ": " + e.getMessage());
        reply(ex, 400, Map.of("error", e.getMessage()));
        return;
      }
      if (!Certs.sameHmac(hmac, Certs.hmac(token, spki))) {
        Log.line(P + "refused a request from " + from + ": its HMAC does not match the token");
        reply(ex, 403, Map.of("error", "forbidden: the request's HMAC does not match the CA's token"));
        return;
      }
      X509Certificate issued;
      try {
        issued = sign(csrPem);
      } catch (Exception e) {
        Log.line(P + "could not sign a request from " + from + ": " + Log.why(e));
        reply(ex, 400, Map.of("error", "cannot sign: " + Log.why(e)));
        return;
      }
      Log.line(P + "signed \"" + Certs.subject(issued) + "\" serial=" + issued.getSerialNumber().toString(16) + " for " + from);
      Map<String, Object> resp = new LinkedHashMap<>();
      resp.put("hmac", Certs.hmac(token, ca.getPublicKey().getEncoded()));
      resp.put("certificate", Certs.pem(issued));
      reply(ex, 200, resp);
    } catch (RuntimeException e) {
      Log.line(P + "error answering " + from + ": " + Log.why(e));
    }
  }

  /** keytool -gencert with the CA keystore: one signing at a time. */
  private synchronized X509Certificate sign(String csrPem) throws Exception {
    String pem = Keytool.run(csrPem.getBytes(StandardCharsets.US_ASCII), "-gencert", "-rfc", "-alias", ALIAS,
        "-keystore", keystore.toString(), "-storetype", storeType, "-storepass", storePassword, "-keypass", keyPassword,
        "-validity", String.valueOf(days), "-startdate", "-1d",
        "-ext", "honored=all",
        "-ext", "KU=digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment,keyAgreement",
        "-ext", "EKU=serverAuth,clientAuth");
    List<X509Certificate> certs = Certs.parseCerts(pem);
    if (certs.isEmpty()) throw new IllegalStateException("keytool -gencert printed no certificate");
    X509Certificate issued = certs.get(0);
    issued.verify(ca.getPublicKey());
    return issued;
  }

  private static void reply(HttpExchange ex, int status, Map<String, Object> json) throws IOException {
    byte[] out = Json.write(json).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }
}
