package standin;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** ${NIFI_HOME}/conf/nifi.properties, read as NiFi reads it (java.util.Properties), relative paths from NIFI_HOME. */
final class NiFiProperties {
  final Path home;
  final Path file;
  private final Properties props = new Properties();

  NiFiProperties(Path home) {
    this.home = home;
    this.file = home.resolve("conf").resolve("nifi.properties");
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + Log.why(e));
    }
  }

  /** The trimmed value, or "" when absent. */
  String get(String key) {
    String v = props.getProperty(key);
    return v == null ? "" : v.trim();
  }

  String require(String key) {
    String v = get(key);
    if (v.isEmpty()) throw new IllegalArgumentException(key + " is " + (props.containsKey(key) ? "blank" : "missing") + " in " + file);
    return v;
  }

  Path path(String value) {
    return home.resolve(value).normalize();
  }

  Integer port(String key) {
    String v = get(key);
    if (v.isEmpty()) return null;
    try {
      int p = Integer.parseInt(v);
      if (p < 1 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + "=" + v + " is not a port number");
    }
  }

  /** Sets key=value in memory and in the file (replacing its line, or appending one). */
  void set(String key, String value) throws IOException {
    props.setProperty(key, value);
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    boolean done = false;
    for (int k = 0; k < lines.size(); k++) {
      if (lines.get(k).startsWith(key + "=")) {
        lines.set(k, key + "=" + value);
        done = true;
      }
    }
    if (!done) lines.add(key + "=" + value);
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
