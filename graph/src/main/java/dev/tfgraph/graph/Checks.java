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

  // Upper bounds on what a spec may ask for. A spec past one is bad input
  // (exit 2) refused while the graph is built, never an overflow or an allocation later.

  /** Dense and PrototypeKernel units, Conv2D filters: at most 2^24. */
  public static final int MAX_UNITS = 1 << 24;
  /**
   * Each side of Conv2D kernel_size and strides, MaxPooling2D and AveragePooling2D pool_size and
   * strides, and each ZeroPadding2D padding (0 allowed there): at most 2^16.
   */
  public static final int MAX_WINDOW = 1 << 16;
  /** Dimensions of a Reshape target_shape (without the batch axis): 1 to 8. */
  public static final int MAX_RANK = 8;
  /** TaylorExpansion order: at most 1024 (x^p overflows float32 long before for |x| > 1). */
  public static final int MAX_ORDER = 1024;
  /** Loop counts unrolled into the graph (MatrixSqrt iterations): 1 to 100. */
  public static final int MAX_ITERATIONS = 100;
  /** Epsilon-like keys (epsilon, min_eigenvalue): in [1e-30, 1e3], finite and non-zero in float32. */
  public static final double MIN_EPSILON = 1e-30;
  /** The upper bound of epsilon-like keys. */
  public static final double MAX_EPSILON = 1e3;
  /** Other real coefficients (SoftExponential alpha_init, alpha_l2): |value| at most 1e3. */
  public static final double MAX_COEFFICIENT = 1e3;
  /** Elements of one weight: one Java array (2^31 - 9, the largest HotSpot allocates). */
  public static final long MAX_WEIGHT_ELEMENTS = Integer.MAX_VALUE - 8;
  /** Elements of one example's activation (a layer's output or an intermediate), 2^28. */
  public static final long MAX_ACTIVATION_ELEMENTS = 1L << 28;
  /** Bytes of all of a model's weights in its dtype: 16 GiB. */
  public static final long MAX_MODEL_BYTES = 1L << 34;

  private Checks() {}

  /**
   * Layer and weight names: letters, digits, '_' and '-' (no '/' or '.', never a path).
   * @param what what the name is for, as the message names it
   * @param name the name checked
   * @return name
   * @throws BadInputException if it is null, empty, longer than 128 or has another character
   */
  public static String name(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new BadInputException(
          what + ": name must be 1-128 letters, digits, '_' or '-', received " + quote(name));
    }
    return name;
  }

  /**
   * The exception of a failed check: "layer: key must be expected, received value".
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param expected what a valid value is, e.g. "a positive integer"
   * @param received the value received (arrays and strings shown as {@link #show} shows them)
   * @return the exception, for the caller to throw
   */
  public static BadInputException error(String layer, String key, String expected, Object received) {
    return new BadInputException(
        layer + ": " + key + " must be " + expected + ", received " + show(received));
  }

  /**
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @return value, if at least 1
   * @throws BadInputException otherwise
   */
  public static int positive(String layer, String key, int value) {
    if (value < 1) throw error(layer, key, "a positive integer", value);
    return value;
  }

  /**
   * An integer in [lo, hi], the bounds stated in the message.
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @param lo the smallest valid value
   * @param hi the largest valid value
   * @return value, if in [lo, hi]
   * @throws BadInputException otherwise
   */
  public static int between(String layer, String key, int value, int lo, int hi) {
    if (value < lo || value > hi) {
      String expected = lo == 1 ? "a positive integer <= " + hi
          : lo == 0 ? "an integer >= 0 and <= " + hi : "an integer in [" + lo + ", " + hi + "]";
      throw error(layer, key, expected, value);
    }
    return value;
  }

  /**
   * Epsilon-like: a number > 0 in [{@link #MIN_EPSILON}, {@link #MAX_EPSILON}], or 0 when allowed.
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @param zeroAllowed whether 0 is valid too
   * @return value, if valid
   * @throws BadInputException otherwise (NaN included)
   */
  public static double epsilon(String layer, String key, double value, boolean zeroAllowed) {
    if (zeroAllowed && value == 0) return 0.0;
    if (!(value >= MIN_EPSILON && value <= MAX_EPSILON)) {
      throw error(layer, key, (zeroAllowed ? "0 or a number > 0" : "a number > 0") + " in [" + MIN_EPSILON + ", "
          + MAX_EPSILON + "]", value);
    }
    return value;
  }

  /**
   * A finite number in [lo, hi], e.g. a coefficient bounded by {@link #MAX_COEFFICIENT}.
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param values the values checked
   * @param lo the smallest valid value
   * @param hi the largest valid value
   * @return values, if each is in [lo, hi]
   * @throws BadInputException otherwise (NaN included)
   */
  public static double[] each(String layer, String key, double[] values, double lo, double hi) {
    for (double v : values) {
      if (!(v >= lo && v <= hi)) throw error(layer, key, "numbers in [" + lo + ", " + hi + "]", values);
    }
    return values;
  }

  /**
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @return value, if at least 0
   * @throws BadInputException otherwise
   */
  public static int nonNegative(String layer, String key, int value) {
    if (value < 0) throw error(layer, key, "an integer >= 0", value);
    return value;
  }

  /**
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @return value, if finite and at least 0
   * @throws BadInputException otherwise
   */
  public static double nonNegative(String layer, String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) throw error(layer, key, "a finite number >= 0", value);
    return value;
  }

  /**
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @return value, if finite and above 0
   * @throws BadInputException otherwise
   */
  public static double positive(String layer, String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) throw error(layer, key, "a finite number > 0", value);
    return value;
  }

  /**
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @param lo the smallest valid value
   * @param hi the largest valid value
   * @return value, if in [lo, hi]
   * @throws BadInputException otherwise (NaN included)
   */
  public static double inRange(String layer, String key, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) throw error(layer, key, "in [" + lo + ", " + hi + "]", value);
    return value;
  }

  /**
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @param allowed the valid values
   * @return value, if one of allowed
   * @throws BadInputException otherwise (the message lists allowed)
   */
  public static String oneOf(String layer, String key, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw error(layer, key, "one of " + allowed, value);
    }
    return value;
  }

  /**
   * Two positive integers [h, w].
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @return value, if valid
   * @throws BadInputException otherwise
   */
  public static int[] pair(String layer, String key, int[] value) {
    if (value == null || value.length != 2 || value[0] < 1 || value[1] < 1) {
      throw error(layer, key, "two positive integers [h, w]", value);
    }
    return value;
  }

  /**
   * Two integers [h, w], each in [1, max].
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the value checked
   * @param max the largest valid entry
   * @return value, if valid
   * @throws BadInputException otherwise
   */
  public static int[] pair(String layer, String key, int[] value, int max) {
    pair(layer, key, value);
    if (value[0] > max || value[1] > max) throw error(layer, key, "two integers [h, w] in [1, " + max + "]", value);
    return value;
  }

  /**
   * Elements of a shape, exactly: null when the count does not fit in a long.
   * @param dims the sizes, each at least 0
   * @return their product, or null past Long.MAX_VALUE
   */
  public static Long elements(long[] dims) {
    long n = 1;
    try {
      for (long d : dims) n = Math.multiplyExact(n, d);
    } catch (ArithmeticException e) {
      return null;
    }
    return n;
  }

  /**
   * One example's activation, e.g. a layer's output or an intermediate it computes, must hold at
   * most {@link #MAX_ACTIVATION_ELEMENTS} values; {@code keys} names what sets its size.
   * @param layer the layer, as the message names it
   * @param what the activation, as the message names it, e.g. "output"
   * @param dims its non-batch sizes
   * @param keys the config keys that set its size, named in the message (may be empty)
   * @throws BadInputException if it would hold more than MAX_ACTIVATION_ELEMENTS values
   */
  public static void activation(String layer, String what, long[] dims, String keys) {
    Long n = elements(dims);
    if (n == null || n > MAX_ACTIVATION_ELEMENTS) {
      throw new BadInputException(layer + ": " + what + " " + showDims(dims) + " would hold "
          + (n == null ? "more than 2^63" : String.format(java.util.Locale.ROOT, "%,d", n)) + " values per example; an activation holds at most "
          + String.format(java.util.Locale.ROOT, "%,d", MAX_ACTIVATION_ELEMENTS) + " (2^28) per example" + (keys == null || keys.isEmpty() ? "" : "; reduce " + keys));
    }
  }

  /** [None, 3, 4] for non-batch dims {3, 4}. */
  static String showDims(long[] dims) {
    StringBuilder b = new StringBuilder("[None");
    for (long d : dims) b.append(", ").append(d);
    return b.append(']').toString();
  }

  /**
   * A list of finite numbers of a given length.
   * @param layer the layer, as the message names it
   * @param key the config key checked
   * @param value the list checked
   * @param expected its required length
   * @param why why that length, added to the message in parentheses (may be empty)
   * @return value, if valid
   * @throws BadInputException if it is null, of another length or holds a non-finite number
   */
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

  /**
   * A value as messages show it.
   * @param o a value: arrays as [1, 2], strings quoted, others by toString
   * @return its text
   */
  public static String show(Object o) {
    if (o instanceof int[] a) return Arrays.toString(a);
    if (o instanceof int[][] a) return Arrays.deepToString(a);
    if (o instanceof long[] a) return Arrays.toString(a);
    if (o instanceof double[] a) return Arrays.toString(a);
    if (o instanceof String s) return quote(s);
    return String.valueOf(o);
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
