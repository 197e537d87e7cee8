package standin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs this runtime's keytool: it makes keys, self-signed CAs, requests and signs certificates. */
final class Keytool {
  private Keytool() {}

  /**
   * keytool ARGS with `stdin` fed to it; returns stdout. On failure the error carries keytool's own
   * output, never the command line (it holds passwords).
   */
  static String run(byte[] stdin, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread o = pump(p.getInputStream(), out);
    Thread e = pump(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) in.write(stdin);
    }
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("keytool " + args[0] + " timed out");
      }
      o.join();
      e.join();
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    String stdout = out.toString(StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      String said = (err.toString(StandardCharsets.UTF_8) + " " + stdout).trim().replaceAll("\\s+", " ");
      throw new IOException("keytool " + args[0] + " failed: " + said);
    }
    return stdout;
  }

  private static Thread pump(InputStream from, ByteArrayOutputStream to) {
    Thread t = new Thread(() -> {
      try (from) {
        from.transferTo(to);
      } catch (IOException ignored) {
        // the process ended; what was read is kept
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
