package dev.tfgraph.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;

/**
 * The class path a user adds for their own layers (the launcher passes TFGRAPH_CLASSPATH as the system
 * property {@value #PROPERTY}). The JVM ignores an entry that is missing or not a jar without a word,
 * and the user then meets only "unknown layer type": each such entry is warned about once, and the
 * unknown-type message says what the class path held.
 */
final class UserClasspath {
  static final String PROPERTY = "tfgraph.classpath";
  private static boolean warned;

  private UserClasspath() {}

  static List<String> entries() {
    String cp = System.getProperty(PROPERTY, "");
    List<String> out = new ArrayList<>();
    for (String e : cp.split(":")) if (!e.isBlank()) out.add(e);
    return out;
  }

  /** Why this entry adds nothing to the class path, or null when it is a readable jar or folder. */
  static String problem(String entry) {
    Path p = Path.of(entry);
    if (Files.isDirectory(p)) return null;
    if (!Files.exists(p)) return "does not exist";
    if (!Files.isRegularFile(p)) return "is not a jar file or a folder";
    try (ZipFile z = new ZipFile(p.toFile())) {
      return null;
    } catch (IOException e) {
      return "is not a jar (not a readable zip archive)";
    }
  }

  /** One warning line per entry that adds nothing, once per process. */
  static synchronized void warnOnce() {
    if (warned) return;
    warned = true;
    for (String e : entries()) {
      String why = problem(e);
      if (why != null) System.err.println("tfgraph: warning: TFGRAPH_CLASSPATH entry \"" + e + "\" " + why + "; it is ignored");
    }
  }

  /** Appended to an unknown-type message: where a user's own type would have come from. */
  static String hint(String type) {
    List<String> entries = entries();
    if (entries.isEmpty()) return "; a type of your own: list its jar in TFGRAPH_CLASSPATH";
    long bad = entries.stream().filter(e -> problem(e) != null).count();
    return "; none of the " + entries.size() + " entries of TFGRAPH_CLASSPATH registers \"" + type + "\""
        + (bad > 0 ? " (" + bad + " of them cannot be read, see the warning above)" : "")
        + " (a jar registers its types in META-INF/services/dev.tfgraph.graph.LayerFactory)";
  }
}
