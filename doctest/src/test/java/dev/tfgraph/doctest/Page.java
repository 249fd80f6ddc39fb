package dev.tfgraph.doctest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** One Markdown page of the documentation: its text, its fenced blocks, its headings and links outside code. */
record Page(Path root, Path file, String text, List<Block> blocks, List<String> prose) {
  /**
   * A fenced block: its language, first line (1-based), code, why it is not run (null: it runs), and
   * whether it is a prelude (a Python block whose code the page's later Python blocks start with).
   */
  record Block(String lang, int line, String code, String skip, boolean prelude) { }

  private static final Pattern SKIP = Pattern.compile("<!--\\s*docs-test:\\s*skip\\s*\\((.+?)\\)\\s*-->");
  private static final Pattern PRELUDE = Pattern.compile("<!--\\s*docs-test:\\s*prelude\\s*-->");

  /** The repository's root: the folder above this module. */
  static Path repository() {
    return Path.of("..").toAbsolutePath().normalize();
  }

  /** README.md and every Markdown page under docs/, in a stable order. */
  static List<Page> all() {
    Path root = repository();
    List<Page> pages = new ArrayList<>();
    pages.add(read(root, root.resolve("README.md")));
    try (Stream<Path> s = Files.walk(root.resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(p -> pages.add(read(root, p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pages;
  }

  static Page read(Path root, Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Block> blocks = new ArrayList<>();
    List<String> prose = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    String fence = null, lang = null, skip = null;
    boolean prelude = false;
    int start = 0;
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i];
      String t = l.strip();
      if (fence == null) {
        if (t.startsWith("```") || t.startsWith("~~~")) {
          fence = t.substring(0, 3);
          lang = t.substring(3).strip();
          start = i + 2;
          code.setLength(0);
          String marker = marker(lines, i);
          Matcher m = marker == null ? null : SKIP.matcher(marker);
          skip = m != null && m.find() ? m.group(1) : null;
          prelude = marker != null && PRELUDE.matcher(marker).find();
        } else {
          prose.add(l);
        }
      } else if (t.equals(fence)) {
        blocks.add(new Block(lang, start, code.toString(), skip, prelude));
        fence = null;
      } else {
        code.append(l).append('\n');
      }
    }
    return new Page(root, file, text, blocks, prose);
  }

  /** The first non-blank line above a fence, where a docs-test marker is written. */
  private static String marker(String[] lines, int fenceLine) {
    for (int j = fenceLine - 1; j >= 0; j--) {
      if (!lines[j].isBlank()) return lines[j];
    }
    return null;
  }

  /** The page's path relative to the repository, for messages. */
  String name() {
    return root.relativize(file).toString();
  }

  List<Block> blocks(String... langs) {
    List<String> want = List.of(langs);
    return blocks.stream().filter(b -> want.contains(b.lang())).toList();
  }
}
