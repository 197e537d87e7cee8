package standin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags as the toolkit takes them (commons-cli style: -c HOST, --port 9090, --port=9090).
 * Flags the stand-in does not implement are accepted and reported, since real manifests pass many of them.
 */
final class Args {
  final Map<String, String> values = new HashMap<>();
  final List<String> positional = new ArrayList<>();
  final List<String> ignored = new ArrayList<>();

  /**
   * @param valued each entry "canonical|alias|alias" for a flag that takes a value
   * @param flags  each entry "canonical|alias" for a flag without a value
   */
  static Args parse(String[] argv, int from, String[] valued, String[] flags) {
    Args a = new Args();
    for (int k = from; k < argv.length; k++) {
      String arg = argv[k];
      if (!arg.startsWith("-") || arg.equals("-")) {
        a.positional.add(arg);
        continue;
      }
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      String canon = find(valued, name);
      if (canon != null) {
        if (inline == null) {
          if (k + 1 >= argv.length) throw new IllegalArgumentException(name + " needs a value");
          inline = argv[++k];
        }
        a.values.put(canon, inline);
        continue;
      }
      canon = find(flags, name);
      if (canon != null) {
        a.values.put(canon, "true");
        continue;
      }
      // Unknown: take a following non-flag word as its value, as most toolkit flags have one.
      if (inline == null && k + 1 < argv.length && !argv[k + 1].startsWith("-")) k++;
      a.ignored.add(name);
    }
    return a;
  }

  private static String find(String[] specs, String name) {
    for (String spec : specs) {
      String[] names = spec.split("\\|");
      for (String n : names) {
        if (n.equals(name)) return names[0];
      }
    }
    return null;
  }

  String get(String canon) {
    return values.get(canon);
  }

  String get(String canon, String fallback) {
    return values.getOrDefault(canon, fallback);
  }

  boolean has(String canon) {
    return values.containsKey(canon);
  }

  String require(String canon, String what) {
    String v = values.get(canon);
    if (v == null || v.isEmpty()) throw new IllegalArgumentException("missing " + canon + " (" + what + ")");
    return v;
  }

  int port(String canon, int fallback) {
    String v = values.get(canon);
    if (v == null) return fallback;
    try {
      int p = Integer.parseInt(v.trim());
      if (p < 1 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(canon + " " + v + " is not a port number");
    }
  }
}
