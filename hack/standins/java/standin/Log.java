package standin;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One line per event on stdout (what `kubectl logs` shows and the e2e parses), optionally also appended
 * to a file (NiFi's logs/nifi-app.log, which the cetic chart's sidecars tail). Never given secrets.
 */
final class Log {
  private static OutputStream file;

  private Log() {}

  /** Also append to this file when its directory exists and is writable; otherwise stdout only. */
  static synchronized void alsoTo(Path path) {
    try {
      if (Files.isDirectory(path.getParent()) && Files.isWritable(path.getParent())) file = new FileOutputStream(path.toFile(), true);
    } catch (IOException e) {
      file = null;
    }
  }

  static synchronized void line(String text) {
    String one = text.replace('\n', ' ').replace('\r', ' ');
    System.out.println(one);
    System.out.flush();
    if (file != null) {
      try {
        file.write((one + "\n").getBytes(StandardCharsets.UTF_8));
        file.flush();
      } catch (IOException e) {
        file = null;
      }
    }
  }

  /** An error for the operator: stderr, one line. */
  static void error(String prefix, String text) {
    System.err.println(prefix + text.replace('\n', ' '));
    System.err.flush();
  }

  /** The message of an exception and its causes, one line, without class-name noise where a message exists. */
  static String why(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null && b.length() < 600; c = c.getCause()) {
      String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
      if (b.indexOf(m) >= 0) continue;
      if (b.length() > 0) b.append(": ");
      b.append(m);
    }
    return b.toString().replace('\n', ' ');
  }
}
