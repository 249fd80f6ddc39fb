package dev.tfgraph.doctest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every relative link resolves, every page is reachable from the README, nothing outside the repository is named. */
class DocsLinksTest {
  /** Paths of the machine the project was written on, and files that are not in the repository. */
  private static final Pattern OUTSIDE = Pattern.compile("\\.\\./shared|CONTRACT\\.md|TF_JAVA_NOTES|/work/|/tmp/kenv|\\.\\./\\.library");

  private final List<Page> pages = Page.all();
  private final Map<Path, Page> byFile = new HashMap<>();

  DocsLinksTest() {
    for (Page p : pages) byFile.put(p.file(), p);
  }

  @Test
  void everyRelativeLinkResolves() {
    List<String> broken = new ArrayList<>();
    for (Page p : pages) {
      for (String t : Links.targets(p)) {
        if (t.matches("^[a-z][a-z0-9+.-]*:.*")) continue;   // https:, mailto: ...
        String file = t.contains("#") ? t.substring(0, t.indexOf('#')) : t;
        String anchor = t.contains("#") ? t.substring(t.indexOf('#') + 1) : null;
        Path target = file.isEmpty() ? p.file() : p.file().getParent().resolve(file).normalize();
        if (!target.startsWith(p.root()) || !Files.exists(target)) {
          broken.add(p.name() + ": " + t + " (no such file in the repository)");
        } else if (anchor != null && target.toString().endsWith(".md")) {
          Page q = byFile.containsKey(target) ? byFile.get(target) : Page.read(p.root(), target);
          if (!Links.anchors(q).contains(anchor)) broken.add(p.name() + ": " + t + " (no such heading)");
        }
      }
    }
    assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
  }

  @Test
  void everyPageIsReachableFromTheReadme() {
    Set<Path> seen = new HashSet<>();
    Deque<Page> todo = new ArrayDeque<>(List.of(pages.get(0)));
    seen.add(pages.get(0).file());
    while (!todo.isEmpty()) {
      Page p = todo.pop();
      for (String t : Links.targets(p)) {
        if (t.matches("^[a-z][a-z0-9+.-]*:.*") || t.startsWith("#")) continue;
        Path target = p.file().getParent().resolve(t.replaceAll("#.*", "")).normalize();
        if (byFile.containsKey(target) && seen.add(target)) todo.push(byFile.get(target));
      }
    }
    List<String> orphans = pages.stream().filter(p -> !seen.contains(p.file())).map(Page::name).toList();
    assertTrue(orphans.isEmpty(), "pages no link leads to from README.md: " + orphans);
  }

  /** The package map stays current: docs/architecture.md names every package of the main code. */
  @Test
  void theArchitecturePageNamesEveryPackage() throws java.io.IOException {
    Path root = Page.repository();
    String map = Files.readString(root.resolve("docs/architecture.md"));
    List<String> missing = new ArrayList<>();
    for (String module : List.of("graph", "layers", "export", "testkit", "cli")) {
      Path src = root.resolve(module).resolve("src/main/java");
      try (java.util.stream.Stream<Path> s = Files.walk(src)) {
        for (Path dir : s.filter(Files::isDirectory).toList()) {
          boolean hasClass;
          try (java.util.stream.Stream<Path> f = Files.list(dir)) {
            hasClass = f.anyMatch(p -> p.toString().endsWith(".java"));
          }
          if (!hasClass) continue;
          String pkg = src.relativize(dir).toString().replace('/', '.');
          String shortName = pkg.replaceFirst("^dev\\.tfgraph\\.", "");
          String last = pkg.substring(pkg.lastIndexOf('.') + 1);
          boolean named = map.contains(shortName) || Pattern.compile("\\." + last + "\\b").matcher(map).find();
          if (!named) missing.add(pkg);
        }
      }
    }
    assertTrue(missing.isEmpty(), "packages docs/architecture.md does not name: " + missing);
  }

  /** Nor do the code's comments and messages, the scripts and the build: they point to docs pages. */
  @Test
  void noSourceNamesAFileOutsideTheRepository() throws java.io.IOException {
    Path root = Page.repository();
    List<String> found = new ArrayList<>();
    List<Path> trees = new ArrayList<>();
    for (String m : List.of("graph", "layers", "export", "testkit", "cli")) trees.add(root.resolve(m).resolve("src/main"));
    for (String d : List.of("testdata", "bench", "tools", "examples", "python/tfgraph_keras")) trees.add(root.resolve(d));
    for (Path tree : trees) {
      if (!Files.isDirectory(tree)) continue;
      try (java.util.stream.Stream<Path> s = Files.walk(tree)) {
        for (Path f : s.filter(p -> p.toString().matches(".*\\.(java|py|sh|md|xml|json|txt)$")).toList()) {
          if (f.toString().contains("/target/") || Files.size(f) > 1_000_000) continue;
          String text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
          if (OUTSIDE.matcher(text).find()) found.add(root.relativize(f).toString());
        }
      }
    }
    for (String f : List.of("tfgraph", "main-job", "pom.xml")) {
      if (OUTSIDE.matcher(Files.readString(root.resolve(f))).find()) found.add(f);
    }
    assertTrue(found.isEmpty(), "files that name a file outside the repository: " + found);
  }

  /** The project's pages name only its own files: not the paths of the machine they were written on. */
  @Test
  void noFileOutsideTheRepositoryIsNamed() {
    List<String> found = new ArrayList<>();
    for (Page p : pages) {
      String[] lines = p.text().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (OUTSIDE.matcher(lines[i]).find()) found.add(p.name() + ":" + (i + 1) + ": " + lines[i].strip());
      }
    }
    assertTrue(found.isEmpty(), "names outside the repository:\n" + String.join("\n", found));
  }
}
