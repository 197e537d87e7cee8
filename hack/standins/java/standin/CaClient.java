package standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * `tls-toolkit.sh client`: makes a key and a request for DN, has nifi-ca sign it (proving the token),
 * and writes keystore, truststore (the CA as nifi-cert) and config.json into the working directory.
 */
final class CaClient {
  static final String P = "nifi-toolkit stand-in: ";
  static final String[] VALUED = {"-c|--certificateAuthorityHostname", "-t|--token", "-p|--PORT", "-D|--dn", "-T|--keyStoreType",
      "--subjectAlternativeNames", "-f|--configJson", "--configJsonIn", "-C|--certificateDirectory", "-k|--keySize", "-d|--days"};
  static final String[] FLAGS = {"-F|--useConfigJson"};

  static void main(String[] argv) throws Exception {
    Args a = Args.parse(argv, 1, VALUED, FLAGS);
    for (String f : a.ignored) Log.line(P + "ignoring " + f + " (not implemented by the stand-in)");
    Path cwd = Path.of("").toAbsolutePath();
    Path configOut = cwd.resolve(a.get("-f", "config.json"));
    boolean useConfig = a.has("-F") || a.has("--configJsonIn");
    Map<String, Object> cfg = useConfig ? ToolkitConfig.read(cwd.resolve(a.get("--configJsonIn", a.get("-f", "config.json"))), "--useConfigJson") : new LinkedHashMap<>();

    // --useConfigJson: the file's settings replace the command line's, as the real client does.
    String host = pick(cfg, "caHostname", a.get("-c", "localhost"));
    String token = ToolkitConfig.token(pick(cfg, "token", a.get("-t")));
    int port = ToolkitConfig.integer(cfg, "port") != null ? ToolkitConfig.integer(cfg, "port") : a.port("-p", 8443);
    String dn = pick(cfg, "dn", a.get("-D", "CN=" + InetAddress.getLocalHost().getCanonicalHostName() + ", OU=NIFI"));
    String ksType = Certs.storeType(pick(cfg, "keyStoreType", a.get("-T", "JKS")), "keyStoreType");
    String tsType = Certs.storeType(pick(cfg, "trustStoreType", "JKS"), "trustStoreType");
    Path ks = cwd.resolve(pick(cfg, "keyStore", "keystore." + ksType.toLowerCase(Locale.ROOT)));
    Path ts = cwd.resolve(pick(cfg, "trustStore", "truststore." + tsType.toLowerCase(Locale.ROOT)));
    String ksPw = pick(cfg, "keyStorePassword", Certs.password());
    // PKCS12 keeps one password for store and key (openssl and keytool expect that); JKS gets its own.
    String keyPw = ksType.equals("PKCS12") ? ksPw : pick(cfg, "keyPassword", Certs.password());
    String tsPw = pick(cfg, "trustStorePassword", null);
    int keySize = a.port("-k", 2048);
    int days = a.port("-d", CaServer.DEFAULT_DAYS);
    List<String> sans = new ArrayList<>();
    Object cfgSans = cfg.get("domainAlternativeNames");
    if (cfgSans instanceof List) for (Object o : (List<?>) cfgSans) sans.add(String.valueOf(o));
    if (a.has("--subjectAlternativeNames")) for (String s : a.get("--subjectAlternativeNames").split(",")) if (!s.isBlank()) sans.add(s.trim());

    // An existing truststore is loaded and kept (pre-seeded CAs survive), but only with a configured
    // password: the real client fails on one it cannot open, and so does this one.
    KeyStore trust;
    if (Files.exists(ts)) {
      if (tsPw == null) {
        throw new IllegalArgumentException(ts.getFileName() + " already exists in " + cwd + " and no trustStorePassword is configured"
            + " (--useConfigJson/--configJsonIn): the real client cannot open it either");
      }
      trust = Certs.load(ts, tsType, tsPw, "existing truststore");
      Log.line(P + "keeping the " + Certs.trustedAliases(trust).size() + " trusted certificate(s) of the existing " + ts.getFileName());
    } else {
      trust = KeyStore.getInstance(tsType);
      trust.load(null, null);
      if (tsPw == null) tsPw = Certs.password();
    }

    // The key and its request, in a scratch keystore that is deleted afterwards.
    Path scratch = Files.createTempDirectory("tls-toolkit-client");
    PrivateKey key;
    PublicKey pub;
    String csr;
    try {
      Path tmp = scratch.resolve("key.p12");
      String tmpPw = Certs.password();
      Keytool.run(null, "-genkeypair", "-alias", "nifi-key", "-keyalg", "RSA", "-keysize", String.valueOf(keySize), "-sigalg", "SHA256withRSA",
          "-dname", dn, "-validity", "1", "-keystore", tmp.toString(), "-storetype", "PKCS12", "-storepass", tmpPw, "-keypass", tmpPw);
      List<String> req = new ArrayList<>(Arrays.asList("-certreq", "-alias", "nifi-key", "-sigalg", "SHA256withRSA",
          "-keystore", tmp.toString(), "-storetype", "PKCS12", "-storepass", tmpPw));
      String san = sanExtension(dn, sans);
      if (san != null) req.addAll(Arrays.asList("-ext", san));
      csr = Keytool.run(null, req.toArray(new String[0]));
      KeyStore k = Certs.load(tmp, "PKCS12", tmpPw, "scratch keystore");
      key = (PrivateKey) k.getKey("nifi-key", tmpPw.toCharArray());
      pub = k.getCertificate("nifi-key").getPublicKey();
    } finally {
      try (var files = Files.list(scratch)) {
        for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
      }
      Files.deleteIfExists(scratch);
    }

    Map<String, Object> request = new LinkedHashMap<>();
    request.put("hmac", Certs.hmac(token, pub.getEncoded()));
    request.put("csr", csr);
    X509Certificate[] got = enrol(host, port, Json.write(request).getBytes(StandardCharsets.UTF_8), token);
    X509Certificate issued = got[0];
    X509Certificate ca = got[1];
    if (!issued.getPublicKey().equals(pub)) throw new IllegalStateException("the CA returned a certificate for another key");

    KeyStore out = KeyStore.getInstance(ksType);
    out.load(null, null);
    out.setKeyEntry("nifi-key", key, keyPw.toCharArray(), new Certificate[] {issued, ca});
    store(out, ks, ksPw);
    trust.setCertificateEntry("nifi-cert", ca);
    store(trust, ts, tsPw);
    Path caPem = cwd.resolve(a.get("-C", ".")).resolve("nifi-cert.pem");
    Files.writeString(caPem, Certs.pem(ca));

    Map<String, Object> written = new LinkedHashMap<>();
    written.put("days", days);
    written.put("keySize", keySize);
    written.put("keyPairAlgorithm", "RSA");
    written.put("signingAlgorithm", "SHA256WITHRSA");
    written.put("dn", dn);
    written.put("keyStore", cwd.relativize(ks).toString());
    written.put("keyStoreType", ksType.toLowerCase(Locale.ROOT));
    written.put("keyStorePassword", ksPw);
    written.put("keyPassword", keyPw);
    written.put("token", token);
    written.put("caHostname", host);
    written.put("port", port);
    written.put("dnPrefix", "CN=");
    written.put("dnSuffix", ", OU=NIFI");
    written.put("reorderDn", true);
    written.put("domainAlternativeNames", sans.isEmpty() ? null : sans);
    written.put("trustStore", cwd.relativize(ts).toString());
    written.put("trustStoreType", tsType.toLowerCase(Locale.ROOT));
    written.put("trustStorePassword", tsPw);
    ToolkitConfig.write(configOut, written);
    Log.line("enrolled \"" + Certs.subject(issued) + "\" with CA \"" + Certs.subject(ca) + "\" sha256=" + Certs.sha256(ca));
  }

  private static String pick(Map<String, Object> cfg, String key, String fallback) {
    String v = Json.str(cfg, key);
    return v != null && !v.isEmpty() ? v : fallback;
  }

  /** keytool's SAN extension: the CN when it is a host name, then the requested names (IPs as ip:). */
  static String sanExtension(String dn, List<String> sans) {
    List<String> names = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(?:^|,)\\s*CN=([^,]+)").matcher(dn);
    if (m.find()) add(names, m.group(1).trim());
    for (String s : sans) add(names, s);
    return names.isEmpty() ? null : "SAN=" + String.join(",", names);
  }

  private static void add(List<String> names, String name) {
    String entry;
    if (name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) entry = "ip:" + name;
    else if (name.matches("(?i)[a-z0-9*]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) entry = "dns:" + name;
    else return; // not a host name (e.g. "admin user"): no SAN for it
    if (!names.contains(entry)) names.add(entry);
  }

  /** Where HOST is: DNS first; without an answer, the Service variables the kubelet sets. */
  static String resolve(String host) throws UnknownHostException {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      String service = host.split("\\.")[0].toUpperCase(Locale.ROOT).replace('-', '_');
      String ip = System.getenv(service + "_SERVICE_HOST");
      if (ip != null && !ip.isBlank()) return ip.trim();
      throw new UnknownHostException("cannot resolve " + host + " (no DNS answer, no " + service + "_SERVICE_HOST)");
    }
  }

  /** POSTs until the CA answers (bounded); returns {issued, ca}. A refused token fails at once. */
  private static X509Certificate[] enrol(String host, int port, byte[] body, String token) throws Exception {
    long timeout = Long.parseLong(System.getenv().getOrDefault("NIFI_STANDIN_CLIENT_TIMEOUT_SECONDS", "300"));
    long start = System.nanoTime();
    while (true) {
      String where = host + ":" + port;
      try {
        String ip = resolve(host);
        where = host + ":" + port + " (" + ip + ")";
        return post(ip.contains(":") ? "[" + ip + "]" : ip, port, body, token);
      } catch (Refused e) {
        throw new IllegalStateException("CA " + where + " refused the request: " + e.getMessage());
      } catch (IOException e) {
        long waited = (System.nanoTime() - start) / 1_000_000_000L;
        if (waited >= timeout) throw new IllegalStateException("CA " + where + " did not answer within " + timeout + " s: " + Log.why(e));
        Log.line(P + "waiting for CA " + where + ": " + Log.why(e) + "; retry in 2 s (" + waited + " s of " + timeout + " s)");
        Thread.sleep(2000);
      }
    }
  }

  /** The CA refused (4xx): retrying will not help. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String m) {
      super(m);
    }
  }

  private static X509Certificate[] post(String ip, int port, byte[] body, String token) throws IOException, Refused {
    // Trust is established by the response HMAC over the CA key, not by the TLS chain (as in the real toolkit).
    X509Certificate[] seen = new X509Certificate[1];
    TrustManager capture = new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String auth) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String auth) {
        seen[0] = chain[0];
      }
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    HttpsURLConnection c;
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {capture}, null);
      c = (HttpsURLConnection) new URL("https://" + ip + ":" + port + "/").openConnection();
      c.setSSLSocketFactory(ctx.getSocketFactory());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    c.setHostnameVerifier((h, s) -> true);
    c.setConnectTimeout(5000);
    c.setReadTimeout(60000);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    try (OutputStream o = c.getOutputStream()) {
      o.write(body);
    }
    int status = c.getResponseCode();
    InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
    String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    c.disconnect();
    if (status >= 500) throw new IOException("HTTP " + status);
    Map<String, Object> resp;
    try {
      resp = Json.object(text, "the CA's answer");
    } catch (IllegalArgumentException e) {
      throw new Refused("HTTP " + status + ", " + e.getMessage());
    }
    if (status != 200) throw new Refused("HTTP " + status + ": " + Json.str(resp, "error"));
    X509Certificate ca = seen[0];
    if (ca == null) throw new IOException("no server certificate seen");
    if (!Certs.sameHmac(Json.str(resp, "hmac"), Certs.hmac(token, ca.getPublicKey().getEncoded()))) {
      throw new Refused("its answer's HMAC does not match the token: not the CA this token belongs to");
    }
    try {
      List<X509Certificate> certs = Certs.parseCerts(String.valueOf(Json.str(resp, "certificate")));
      if (certs.isEmpty()) throw new Refused("no certificate in the answer");
      X509Certificate issued = certs.get(0);
      issued.verify(ca.getPublicKey());
      return new X509Certificate[] {issued, ca};
    } catch (java.security.GeneralSecurityException e) {
      throw new Refused("the returned certificate is not signed by the CA's key: " + Log.why(e));
    }
  }

  private static void store(KeyStore ks, Path file, String password) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream o = Files.newOutputStream(tmp)) {
      ks.store(o, password.toCharArray());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
