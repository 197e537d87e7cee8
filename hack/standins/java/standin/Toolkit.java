package standin;

/** tls-toolkit.sh MODE ...: the two modes a nifi-ca installation uses; the others are refused by name. */
public final class Toolkit {
  private Toolkit() {}

  public static void main(String[] argv) {
    String mode = argv.length > 0 ? argv[0] : "";
    String prefix = mode.equals("server") ? CaServer.P : CaClient.P;
    try {
      switch (mode) {
        case "server":
          CaServer.main(argv);
          return; // the HTTPS server's threads keep the JVM running
        case "client":
          CaClient.main(argv);
          System.exit(0);
          return;
        default:
          Log.error(prefix, "tls-toolkit.sh " + (mode.isEmpty() ? "(no mode)" : mode)
              + " is not part of the stand-in: it implements `server` and `client` only");
          System.exit(2);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      Log.error(prefix, e.getMessage());
    } catch (Exception e) {
      Log.error(prefix, Log.why(e));
    }
    System.exit(1);
  }
}
