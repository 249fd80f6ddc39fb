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
  /** A fenced block: its language, first line (1-based), code, and why it is not run (null: it runs). */
  record Block(String lang, int line, String code, String skip) { }

  private static final Pattern SKIP = Pattern.compile("<!--\\s*docs-test:\\s*skip\\s*\\((.+?)\\)\\s*-->");

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
          skip = skipMarker(lines, i);
        } else {
          prose.add(l);
        }
      } else if (t.equals(fence)) {
        blocks.add(new Block(lang, start, code.toString(), skip));
        fence = null;
      } else {
        code.append(l).append('\n');
      }
    }
    return new Page(root, file, text, blocks, prose);
  }

  /** The skip reason written on the line above a fence (blank lines between are allowed). */
  private static String skipMarker(String[] lines, int fenceLine) {
    for (int j = fenceLine - 1; j >= 0; j--) {
      if (lines[j].isBlank()) continue;
      Matcher m = SKIP.matcher(lines[j]);
      return m.find() ? m.group(1) : null;
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
