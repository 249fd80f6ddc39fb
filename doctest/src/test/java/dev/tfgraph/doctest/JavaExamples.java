package dev.tfgraph.doctest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A page's Java blocks as one program: a block that declares a top-level class (or record, interface)
 * is a source file of its own; every other block is statements of {@code main}, each block in a scope
 * of its own, in the page's order. Import lines of every block are shared by all files. A class that
 * implements {@code LayerFactory} is listed in the program's {@code META-INF/services} file, as the
 * page tells its reader to list it.
 */
final class JavaExamples {
  static final String MAIN = "DocExample";
  private static final Pattern TYPE = Pattern.compile(
      "(?m)^(?:public\\s+)?(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)");

  private static final Pattern FACTORY = Pattern.compile("(?m)^(?:public\\s+)?(?:final\\s+)?class\\s+\\w+\\s+implements\\s+[^{]*\\bLayerFactory\\b");

  private JavaExamples() { }

  /** Writes and compiles the program into dir/java; returns the class folder, or throws with the compiler's report. */
  static Path compile(List<Page.Block> blocks, Path dir, String classPath) throws IOException {
    Path src = Files.createDirectories(dir.resolve("java-src"));
    Path classes = Files.createDirectories(dir.resolve("java-classes"));
    Set<String> imports = new LinkedHashSet<>();
    List<String> bodies = new ArrayList<>();
    for (Page.Block b : blocks) {
      StringBuilder body = new StringBuilder();
      for (String l : b.code().split("\n")) {
        if (l.startsWith("import ")) imports.add(l.strip());
        else body.append(l).append('\n');
      }
      bodies.add(body.toString());
    }
    String head = String.join("\n", imports) + "\n\n";
    List<Path> files = new ArrayList<>();
    List<String> factories = new ArrayList<>();
    StringBuilder main = new StringBuilder();
    for (String body : bodies) {
      Matcher m = TYPE.matcher(body);
      if (m.find()) {
        Path f = src.resolve(m.group(1) + ".java");
        Files.writeString(f, head + body);
        files.add(f);
        if (FACTORY.matcher(body).find()) factories.add(m.group(1));
      } else {
        main.append("    {\n").append(body.indent(6)).append("    }\n");
      }
    }
    if (!factories.isEmpty()) {
      Path services = Files.createDirectories(classes.resolve("META-INF/services"));
      Files.writeString(services.resolve("dev.tfgraph.graph.LayerFactory"), String.join("\n", factories) + "\n");
    }
    if (!main.isEmpty()) {
      Path f = src.resolve(MAIN + ".java");
      Files.writeString(f, head + "public class " + MAIN + " {\n  public static void main(String[] args) throws Exception {\n"
          + main + "  }\n}\n");
      files.add(f);
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    java.io.StringWriter report = new java.io.StringWriter();
    try (var fm = javac.getStandardFileManager(null, null, java.nio.charset.StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(report, fm, null,
          List.of("-classpath", classPath, "-d", classes.toString(), "-proc:none", "-Xlint:none"),
          null, fm.getJavaFileObjectsFromPaths(files)).call();
      if (!ok) throw new AssertionError("the Java blocks do not compile:\n" + report);
    }
    return main.isEmpty() ? null : classes;
  }
}
