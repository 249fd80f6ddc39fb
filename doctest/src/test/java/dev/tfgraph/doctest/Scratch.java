package dev.tfgraph.doctest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A scratch copy of the repository for one page's examples: links to the repository's files and folders,
 * so that {@code ./tfgraph} and {@code testdata/...} work as in a clone, while whatever the examples
 * write ({@code out/...}, files of their own) lands in the scratch folder and never in the repository.
 */
final class Scratch {
  private static final Set<String> NOT_LINKED = Set.of(".git", "out", "target");
  private static final long TIMEOUT_MINUTES = 10;

  final Path dir;

  Scratch(Path repository, String name) throws IOException {
    dir = repository.resolve("doctest").resolve("target").resolve("docs-run").resolve(name);
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
    Files.createDirectories(dir);
    try (Stream<Path> s = Files.list(repository)) {
      for (Path p : s.toList()) {
        if (!NOT_LINKED.contains(p.getFileName().toString())) Files.createSymbolicLink(dir.resolve(p.getFileName()), p);
      }
    }
  }

  /** Runs a command in the scratch folder; returns its exit code and its output (stdout and stderr). */
  Result run(List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "run", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().remove("TFGRAPH_CLASSPATH");
    Process p = pb.start();
    boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!done) {
      p.destroyForcibly().waitFor();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Result(done ? p.exitValue() : -1, done ? out : out + "\n(stopped after " + TIMEOUT_MINUTES + " minutes)");
  }

  record Result(int code, String output) {
    /** The last lines of the output, for a failure message. */
    String tail() {
      String[] lines = output.split("\n");
      return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 30), lines.length));
    }
  }
}
