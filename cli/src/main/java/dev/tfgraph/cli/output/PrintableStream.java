package dev.tfgraph.cli.output;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A stream the command line prints through, with control characters made visible: a message that
 * quotes a hostile file name, layer name or record key cannot ring the bell, move the cursor, rewrite
 * the line or smuggle a NUL byte past a filter. Newline and tab pass; every other C0 control, DEL and
 * the C1 controls (U+0080 to U+009F, which some terminals obey) are written as {@code \x1b} or
 * {@code \u009b}. Text goes to the wrapped stream as text, so that it keeps its own encoding.
 */
public final class PrintableStream extends PrintStream {
  private final PrintStream target;

  private PrintableStream(PrintStream target) {
    super(target, true, java.nio.charset.StandardCharsets.UTF_8);   // numbers only are encoded here
    this.target = target;
  }

  /** {@code target} behind the filter (never wrapped twice). */
  public static PrintStream wrap(PrintStream target) {
    return target instanceof PrintableStream ? target : new PrintableStream(target);
  }

  /** The visible form of the control characters in {@code s}. */
  public static String escape(String s) {
    int i = 0;
    while (i < s.length() && !isControl(s.charAt(i))) i++;
    if (i == s.length()) return s;
    StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isControl(c)) b.append(c);
      else b.append(String.format(Locale.ROOT, c < 0x80 ? "\\x%02x" : "\\u%04x", (int) c));
    }
    return b.toString();
  }

  public static boolean isControl(int c) {
    return c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f;
  }

  // text: escaped, then printed by the target in its own encoding

  @Override public void print(String s) {
    target.print(escape(String.valueOf(s)));
  }

  @Override public void print(Object o) {
    print(String.valueOf(o));
  }

  @Override public void print(char c) {
    print(String.valueOf(c));
  }

  @Override public void print(char[] s) {
    print(new String(s));
  }

  @Override public void println(String s) {
    target.println(escape(String.valueOf(s)));
  }

  @Override public void println(Object o) {
    println(String.valueOf(o));
  }

  @Override public void println(char c) {
    println(String.valueOf(c));
  }

  @Override public void println(char[] s) {
    println(new String(s));
  }

  @Override public void println() {
    target.println();
  }

  /** Formatted as the whole command line formats: without the default locale (no decimal comma). */
  @Override public PrintStream format(String format, Object... args) {
    print(String.format(Locale.ROOT, format, args));
    return this;
  }

  @Override public PrintStream format(Locale l, String format, Object... args) {
    print(String.format(l, format, args));
    return this;
  }

  @Override public PrintStream append(CharSequence csq) {
    print(String.valueOf(csq));
    return this;
  }

  @Override public PrintStream append(CharSequence csq, int start, int end) {
    return append(csq == null ? "null".subSequence(start, end) : csq.subSequence(start, end));
  }

  @Override public PrintStream append(char c) {
    print(c);
    return this;
  }

  // bytes someone wrote as bytes: the C0 controls and DEL are the same bytes in every ASCII-based encoding

  @Override public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override public void write(byte[] buf, int off, int len) {
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(len);
    for (int i = off; i < off + len; i++) {
      int c = buf[i] & 0xff;
      if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f) o.writeBytes(String.format(Locale.ROOT, "\\x%02x", c).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      else o.write(c);
    }
    target.write(o.toByteArray(), 0, o.size());
  }

  @Override public void flush() {
    target.flush();
  }

  @Override public void close() {
    target.flush();   // the wrapped stream is the caller's to close
  }

  @Override public boolean checkError() {
    return target.checkError();
  }
}
