package dev.tfgraph.doctest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example of README.md and docs/ runs as written, page by page, top to bottom, in a scratch copy
 * of the repository: shell blocks with bash, Java blocks compiled and run as one program (at the place
 * of the page's last Java block), Python blocks with the Python module's environment (skipped, with a
 * warning, with the rest of its page, on a machine without one). A block whose line above says
 * {@code <!-- docs-test: skip (reason) -->} is not run: it needs what the machine lacks. A Python block
 * marked {@code <!-- docs-test: prelude -->} runs, and the page's later Python blocks start with its code
 * (the arrays a page's examples share).
 */
class DocsExamplesTest {
  static final Set<String> SHELL = Set.of("sh", "bash", "shell", "console");
  static final Set<String> RUN = Set.of("sh", "bash", "shell", "console", "java", "python");

  /** Pages at a time: two, the cores of the machines the test command is sized for. */
  static final int PARALLEL = Integer.getInteger("docs.parallel", 2);

  @TestFactory
  Stream<DynamicTest> everyExampleRuns() {
    String only = System.getProperty("docs.pages");   // while writing: -Ddocs.pages=docs/library.md,README.md
    List<Page> pages = Page.all().stream()
        .filter(p -> only == null || List.of(only.split(",")).contains(p.name()))
        .filter(p -> p.blocks().stream().anyMatch(b -> RUN.contains(b.lang()) && b.skip() == null))
        .toList();
    // the pages run side by side, each in its own scratch folder; each test waits for its page
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(PARALLEL, r -> {
      Thread t = new Thread(r, "docs-page");
      t.setDaemon(true);
      return t;
    });
    List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
    for (Page p : pages) runs.add(pool.submit(() -> { run(p); return null; }));
    pool.shutdown();
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < pages.size(); i++) {
      java.util.concurrent.Future<?> f = runs.get(i);
      tests.add(DynamicTest.dynamicTest(pages.get(i).name(), () -> {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause();
        }
      }));
    }
    return tests.stream();
  }

  /** Shell examples are commands a user types: each is fenced as sh, and nothing is left unrun without a reason. */
  @Test
  void everyCodeBlockSaysItsLanguage() {
    List<String> bare = new ArrayList<>();
    for (Page p : Page.all()) {
      for (Page.Block b : p.blocks()) {
        if (b.lang().isEmpty()) bare.add(p.name() + ":" + (b.line() - 1));
      }
    }
    assertEquals(List.of(), bare, "fenced blocks without a language (sh, java, python, text, json, ...)");
  }

  private static void run(Page page) throws Exception {
    Scratch s = new Scratch(Page.repository(), page.name().replace('/', '_').replace(".md", ""));
    List<Page.Block> javaBlocks = page.blocks("java").stream().filter(b -> b.skip() == null).toList();
    Page.Block lastJava = javaBlocks.isEmpty() ? null : javaBlocks.get(javaBlocks.size() - 1);
    int n = 0;
    String prelude = "";
    for (Page.Block b : page.blocks()) {
      if (b.skip() != null || !RUN.contains(b.lang())) continue;
      n++;
      String where = page.name() + ":" + b.line();
      Scratch.Result r;
      if (SHELL.contains(b.lang())) {
        r = s.run(List.of("bash", "-e", "-o", "pipefail", "-c", b.code()));
      } else if (b.lang().equals("python")) {
        Path python = Page.repository().resolve("python/target/pyenv/bin/python");
        if (!Files.isExecutable(python)) {   // the rest of the page may use what the block writes: not run either
          System.err.println("WARNING " + where + ": Python block and the rest of the page not run (no python/target/pyenv)");
          return;
        }
        Path script = s.dir.resolve("block-" + n + ".py");
        Files.writeString(script, prelude + b.code());
        if (b.prelude()) prelude = b.code();
        r = s.run(List.of(python.toString(), script.toString()));
      } else if (b == lastJava) {
        Path classes = JavaExamples.compile(javaBlocks, s.dir, System.getProperty("java.class.path"));
        if (classes == null) continue;
        String cp = classes + java.io.File.pathSeparator + System.getProperty("java.class.path");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        r = s.run(List.of(javaBin, "-cp", cp, JavaExamples.MAIN));
      } else {
        continue;
      }
      assertTrue(r.code() == 0, where + " (" + b.lang() + ") failed with exit code " + r.code() + ":\n" + b.code()
          + "\n--- output ---\n" + r.tail());
    }
  }
}
