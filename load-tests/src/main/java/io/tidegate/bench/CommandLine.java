package io.tidegate.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of the bench tools. */
final class CommandLine {

  private CommandLine() {
  }

  /**
   * The options by name (without {@code --}); an unknown name or a name without a value is an
   * {@link IllegalArgumentException} that shows {@code usage}.
   */
  static Map<String, String> options(String[] args, Set<String> known, String usage) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!known.contains(name) || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: " + usage + " (bad argument '" + args[i] + "')");
      }
      options.put(name, args[++i]);
    }
    return options;
  }
}
