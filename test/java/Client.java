// A TLS client as a NiFi node is one: it trusts exactly what its truststore holds.
// Usage: java Client.java HOST PORT TRUSTSTORE TYPE PASSWORD
// Prints "OK ..." and exits 0 on a completed handshake (with hostname verification);
// prints the exception chain to stderr and exits 1 otherwise.
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class Client {
    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        KeyStore trust = KeyStore.getInstance(args[3]);
        try (InputStream in = new FileInputStream(args[2])) {
            trust.load(in, args[4].toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(host, port)) {
            SSLParameters params = socket.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.setSoTimeout(10000);
            socket.startHandshake();
            System.out.println("OK " + socket.getSession().getProtocol() + " anchors=" + trust.size()
                    + " peer=" + socket.getSession().getPeerPrincipal());
        } catch (SSLException e) {
            System.err.println("HANDSHAKE FAILED anchors=" + trust.size() + ": " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) System.err.println("  caused by: " + c);
            System.exit(1);
        }
    }
}
