package dev.tfgraph.doctest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Markdown links and GitHub's heading anchors. */
final class Links {
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

  private Links() { }

  /** The targets of the page's links outside code (inline code spans removed first). */
  static List<String> targets(Page page) {
    List<String> out = new ArrayList<>();
    for (String line : page.prose()) {
      Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
      while (m.find()) out.add(m.group(1));
    }
    return out;
  }

  /** The anchors GitHub gives the page's headings (and explicit HTML anchors). */
  static Set<String> anchors(Page page) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : page.prose()) {
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        String slug = slug(h.group(1));
        int n = seen.merge(slug, 1, Integer::sum);
        out.add(n == 1 ? slug : slug + "-" + (n - 1));
      }
      Matcher a = HTML_ANCHOR.matcher(line);
      while (a.find()) out.add(a.group(1));
    }
    return out;
  }

  /** GitHub's slug: lower case, markup and punctuation dropped (hyphens and underscores kept), spaces to hyphens. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "").replace("*", "");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') b.appendCodePoint(c);
      else if (c == ' ') b.append('-');
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }
}
