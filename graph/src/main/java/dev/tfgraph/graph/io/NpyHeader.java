package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The header dict of a .npy file, parsed as the Python literal numpy writes, without eval:
 * exactly the keys descr, fortran_order and shape, each once. numpy evaluates the dict, so of a
 * key given twice it keeps the last; a reader that kept the first would read another array than
 * numpy does, so a repeated key is refused.
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {
  static final List<String> KEYS = List.of("descr", "fortran_order", "shape");
  static final int MAX_DIMS = 32;

  static NpyHeader parse(String text, String what) {
    return new Parser(text, what).header();
  }

  private static final class Parser {
    private final String s;
    private final String what;
    private int i;

    Parser(String s, String what) {
      this.s = s;
      this.what = what;
    }

    NpyHeader header() {
      Map<String, Object> values = new HashMap<>();
      ws();
      expect('{');
      ws();
      while (peek() != '}') {
        String key = string();
        if (!KEYS.contains(key)) {
          throw new BadInputException(what + ": unexpected key '" + key + "' in the .npy header, expected only " + KEYS);
        }
        if (values.containsKey(key)) {
          throw new BadInputException(what + ": the .npy header gives the key '" + key + "' twice");
        }
        ws();
        expect(':');
        ws();
        values.put(key, value(key));
        ws();
        if (peek() == ',') {
          i++;
          ws();
        } else if (peek() != '}') {
          throw malformed();
        }
      }
      i++;
      ws();
      if (i != s.length()) throw malformed();
      for (String k : KEYS) {
        if (!values.containsKey(k)) throw new BadInputException(what + ": the .npy header lacks the key '" + k + "'");
      }
      return new NpyHeader((String) values.get("descr"), (Boolean) values.get("fortran_order"), (long[]) values.get("shape"));
    }

    private Object value(String key) {
      switch (key) {
        case "descr" -> {
          if (peek() == '[') {
            throw new BadInputException(what + ": unsupported dtype (a structured array); expected float32/float64, integer or bool arrays");
          }
          return string();
        }
        case "fortran_order" -> {
          if (s.startsWith("True", i)) {
            i += 4;
            return true;
          }
          if (s.startsWith("False", i)) {
            i += 5;
            return false;
          }
          throw malformed();
        }
        default -> {
          return shape();
        }
      }
    }

    /** (), (n,), (n, m) or (n, m,); numpy 1.x's Python 2 files may write 2L. */
    private long[] shape() {
      expect('(');
      int close = s.indexOf(')', i);
      if (close < 0) throw malformed();
      String body = s.substring(i, close);
      i = close + 1;
      List<Long> dims = new ArrayList<>();
      String[] parts = body.split(",", -1);
      for (int k = 0; k < parts.length; k++) {
        String t = parts[k].strip();
        if (t.isEmpty() && k == parts.length - 1 && (k > 0 || parts.length == 1)) continue;   // trailing comma, or ()
        if (!t.matches("[0-9]{1,12}L?")) throw new BadInputException(what + ": bad shape (" + abbreviate(body) + ")");
        dims.add(Long.parseLong(t.replace("L", "")));
      }
      if (dims.size() > MAX_DIMS) throw new BadInputException(what + ": more than " + MAX_DIMS + " dimensions");
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** A quoted string without escapes (numpy's keys and dtype strings have none). */
    private String string() {
      char q = peek();
      if (q != '\'' && q != '"') throw malformed();
      int end = s.indexOf(q, i + 1);
      if (end < 0) throw malformed();
      String v = s.substring(i + 1, end);
      if (v.indexOf('\\') >= 0) throw malformed();
      i = end + 1;
      return v;
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : 0;
    }

    private void expect(char c) {
      if (peek() != c) throw malformed();
      i++;
    }

    private void ws() {
      while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
    }

    private BadInputException malformed() {
      return new BadInputException(what + ": malformed .npy header at character " + i + ": " + abbreviate(s.strip()));
    }
  }

  static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
