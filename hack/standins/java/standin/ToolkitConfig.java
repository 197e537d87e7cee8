package standin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** config.json: the TlsConfig field names the real toolkit reads and writes (and src/ca/toolkit.ts writes). */
final class ToolkitConfig {
  private ToolkitConfig() {}

  static Map<String, Object> read(Path file, String flag) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("cannot read " + file + " (" + flag + "): no such file");
    try {
      return Json.object(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + Log.why(e));
    }
  }

  /** Written beside a temporary name, then moved: a reader never sees half a file. */
  static void write(Path file, Map<String, Object> cfg) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, Json.write(cfg));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static Integer integer(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v instanceof Number) return ((Number) v).intValue();
    if (v instanceof String) {
      try {
        return Integer.valueOf(((String) v).trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** The toolkit refuses short tokens; so does the stand-in, with the same threshold. */
  static String token(String token) {
    if (token == null || token.isEmpty()) throw new IllegalArgumentException("no token (-t/--token)");
    if (token.length() < 16) throw new IllegalArgumentException("token must be at least 16 characters");
    return token;
  }
}
