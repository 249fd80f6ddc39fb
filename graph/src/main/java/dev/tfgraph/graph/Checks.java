package dev.tfgraph.graph;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validation with messages in the Keras style: they name the layer, the key, what was expected
 * and what was received. Every check throws {@link BadInputException} while the graph is built.
 */
public final class Checks {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private Checks() {}

  /** Layer and weight names: letters, digits, '_' and '-' (no '/' or '.', never a path). */
  public static String name(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new BadInputException(
          what + ": name must be 1-128 letters, digits, '_' or '-', received " + quote(name));
    }
    return name;
  }

  public static BadInputException error(String layer, String key, String expected, Object received) {
    return new BadInputException(
        layer + ": " + key + " must be " + expected + ", received " + show(received));
  }

  public static int positive(String layer, String key, int value) {
    if (value < 1) throw error(layer, key, "a positive integer", value);
    return value;
  }

  public static int nonNegative(String layer, String key, int value) {
    if (value < 0) throw error(layer, key, "an integer >= 0", value);
    return value;
  }

  public static double nonNegative(String layer, String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) throw error(layer, key, "a finite number >= 0", value);
    return value;
  }

  public static double positive(String layer, String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) throw error(layer, key, "a finite number > 0", value);
    return value;
  }

  public static double inRange(String layer, String key, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) throw error(layer, key, "in [" + lo + ", " + hi + "]", value);
    return value;
  }

  public static String oneOf(String layer, String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw error(layer, key, "one of " + allowed, value);
    }
    return value;
  }

  public static int[] pair(String layer, String key, int[] value) {
    if (value == null || value.length != 2 || value[0] < 1 || value[1] < 1) {
      throw error(layer, key, "two positive integers [h, w]", value);
    }
    return value;
  }

  public static double[] length(String layer, String key, double[] value, int expected, String why) {
    if (value == null || value.length != expected) {
      throw new BadInputException(layer + ": " + key + " has "
          + (value == null ? "no" : String.valueOf(value.length)) + " values, expected "
          + expected + (why.isEmpty() ? "" : " (" + why + ")"));
    }
    for (double v : value) {
      if (!Double.isFinite(v)) throw error(layer, key, "finite numbers", value);
    }
    return value;
  }

  public static String show(Object o) {
    if (o instanceof int[] a) return Arrays.toString(a);
    if (o instanceof long[] a) return Arrays.toString(a);
    if (o instanceof double[] a) return Arrays.toString(a);
    if (o instanceof String s) return quote(s);
    return String.valueOf(o);
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
