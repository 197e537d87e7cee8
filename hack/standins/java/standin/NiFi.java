package standin;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * `nifi.sh run`: NiFi's TLS face. Reads nifi.properties as NiFi does, loads the stores strictly, and
 * serves TLS requiring client certificates (as the cluster protocol does) on nifi.web.https.port and,
 * for a secure cluster node, nifi.cluster.node.protocol.port. `nifi.sh probe` handshakes with peers.
 */
public final class NiFi {
  static final String P = "nifi stand-in: ";

  private NiFi() {}

  public static void main(String[] argv) {
    String mode = argv.length > 0 ? argv[0] : "";
    try {
      Path home = Path.of(System.getenv().getOrDefault("NIFI_HOME", "/opt/nifi/nifi-current"));
      if (mode.equals("run")) {
        run(home);
        return;
      }
      if (mode.equals("probe")) {
        List<String> targets = new ArrayList<>();
        for (int k = 1; k < argv.length; k++) targets.add(argv[k]);
        if (targets.isEmpty()) {
          Log.error(P, "usage: nifi.sh probe HOST:PORT...");
          System.exit(2);
        }
        System.exit(probe(home, targets) ? 0 : 1);
      }
      Log.error(P, "nifi.sh " + mode + " is not part of the stand-in (run, probe, stop)");
      System.exit(2);
    } catch (IllegalArgumentException | IllegalStateException e) {
      Log.error(P, e.getMessage());
    } catch (Exception e) {
      Log.error(P, Log.why(e));
    }
    System.exit(1);
  }

  private static void run(Path home) throws Exception {
    Log.alsoTo(home.resolve("logs").resolve("nifi-app.log"));
    String version = System.getenv().getOrDefault("NIFI_VERSION", "1.28.1");
    NiFiProperties p = new NiFiProperties(home);
    Integer https = p.port("nifi.web.https.port");
    Integer http = p.port("nifi.web.http.port");
    if (https != null && http != null) {
      throw new IllegalArgumentException("nifi.web.http.port and nifi.web.https.port are both set: NiFi only supports running in HTTP mode or HTTPS mode, not both simultaneously");
    }
    if (https == null && http == null) throw new IllegalArgumentException("nifi.web.https.port is " + (p.get("nifi.web.https.port").isEmpty() ? "blank" : "missing") + " and so is nifi.web.http.port: nothing to serve");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Log.line(P + "stopping")));
    if (https == null) {
      Log.line(P + "NiFi " + version + " unsecured: HTTP on port " + http + "; no keystore or truststore read");
      plain(http);
      return;
    }
    if (SelfSigned.generateIfDefault(p, version)) {
      Log.line(P + "generated a self-signed keystore " + p.path(p.get("nifi.security.keystore")) + " and truststore "
          + p.path(p.get("nifi.security.truststore")) + " (NiFi 1.14+ does so when both are absent and their passwords blank)");
    }
    TlsMaterial m = new TlsMaterial(p);
    Log.line(P + "NiFi " + version + " TLS from " + p.file);
    for (String d : m.described) Log.line(P + d);
    List<Integer> ports = new ArrayList<>();
    ports.add(https);
    Integer cluster = p.port("nifi.cluster.node.protocol.port");
    if (cluster != null && p.get("nifi.cluster.is.node").equals("true") && p.get("nifi.cluster.protocol.is.secure").equals("true") && !ports.contains(cluster)) {
      ports.add(cluster);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int port : ports) {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(port), 64);
      Log.line(P + "listening on port " + port + " (TLS, client certificate required)");
      Thread t = new Thread(() -> accept(server, port, m.context.getSocketFactory(), pool), "accept-" + port);
      t.start();
    }
  }

  private static void accept(ServerSocket server, int port, SSLSocketFactory factory, ExecutorService pool) {
    while (true) {
      try {
        Socket s = server.accept();
        pool.execute(() -> handshake(s, port, factory));
      } catch (IOException e) {
        Log.line(P + "accept on port " + port + " failed: " + Log.why(e));
      }
    }
  }

  /** One connection: silent when nothing was sent (a tcpSocket probe), else one log line. */
  private static void handshake(Socket s, int port, SSLSocketFactory factory) {
    String from = s.getInetAddress().getHostAddress() + ":" + s.getPort();
    try (s) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      int first = in.read();
      if (first < 0) return;
      try (SSLSocket ssl = (SSLSocket) factory.createSocket(s, new ByteArrayInputStream(new byte[] {(byte) first}), true)) {
        ssl.setNeedClientAuth(true);
        ssl.startHandshake();
        X509Certificate peer = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
        Log.line(P + "handshake accepted on port " + port + " from " + from + " peer=\"" + Certs.subject(peer) + "\"");
        OutputStream out = ssl.getOutputStream();
        out.write(("accepted " + Certs.subject(peer) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (SocketTimeoutException e) {
      Log.line(P + "handshake failed on port " + port + " from " + from + ": timed out");
    } catch (IOException e) {
      Log.line(P + "handshake failed on port " + port + " from " + from + ": " + Log.why(e));
    }
  }

  /** nifi.web.http.port in unsecured mode: answers any request with a small HTTP 200. */
  private static void plain(int port) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(port), 64);
    Log.line(P + "listening on port " + port + " (plain HTTP, no TLS)");
    Thread t = new Thread(() -> {
      while (true) {
        try (Socket s = server.accept()) {
          s.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
          // one bad client never stops the server
        }
      }
    }, "http-" + port);
    t.start();
  }

  /** Handshakes with each target using this node's stores; one line each on stdout; true when all passed. */
  private static boolean probe(Path home, List<String> targets) throws Exception {
    TlsMaterial m = new TlsMaterial(new NiFiProperties(home));
    for (String d : m.described) Log.error(P, d);
    boolean all = true;
    for (String target : targets) {
      String result = probeOne(m.context.getSocketFactory(), target);
      System.out.println(result);
      all &= result.startsWith("handshake OK ");
    }
    System.out.flush();
    return all;
  }

  private static String probeOne(SSLSocketFactory factory, String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0) return "handshake FAILED " + target + " not HOST:PORT";
    String host = target.substring(0, colon).replaceAll("^\\[|\\]$", "");
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      return "handshake FAILED " + target + " not HOST:PORT";
    }
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(host, port), 5000);
      raw.setSoTimeout(10_000);
      // No host name check: NiFi 1.x's cluster protocol verifies the chain, not the name.
      try (SSLSocket ssl = (SSLSocket) factory.createSocket(raw, host, port, true)) {
        ssl.startHandshake();
        X509Certificate peer = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
        // With TLS 1.3 the server judges our certificate after our side finished: its verdict is the
        // "accepted" line, or an alert on this read.
        ssl.setSoTimeout(5000);
        BufferedReader r = new BufferedReader(new InputStreamReader(ssl.getInputStream(), StandardCharsets.UTF_8));
        try {
          r.readLine();
        } catch (SocketTimeoutException e) {
          // a TLS server that says nothing first (not a stand-in): the handshake itself passed
        }
        return "handshake OK " + target + " peer=\"" + Certs.subject(peer) + "\" issuer=\"" + Certs.issuer(peer) + "\"";
      }
    } catch (SSLException e) {
      return "handshake FAILED " + target + " " + Log.why(e);
    } catch (IOException e) {
      return "handshake FAILED " + target + " " + Log.why(e);
    }
  }
}
