package dev.tfgraph.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict reader of one layer's JSON config: every getter names the layer and the key on a type
 * error, and {@link #finish()} rejects keys nobody asked for (a typo is an error, not a default).
 */
public final class ConfigReader {
  private final ObjectNode node;
  private final String where;
  private final Set<String> seen = new HashSet<>();

  /**
   * A reader of one JSON object.
   *
   * @param node the layer's config object
   * @param where how messages name it, e.g. "layer 3" or "Dense 'fc1'"
   * @throws BadInputException when {@code node} is not a JSON object
   */
  public ConfigReader(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new BadInputException(where + ": expected a JSON object, received " + node);
    }
    this.node = (ObjectNode) node;
    this.where = where;
  }

  /**
   * Rename the place used in messages once the layer's type and name are known.
   *
   * @param newWhere the new name for messages
   * @return a reader of the same object that remembers the keys already read
   */
  public ConfigReader at(String newWhere) {
    ConfigReader r = new ConfigReader(node, newWhere);
    r.seen.addAll(seen);
    return r;
  }

  /** {@return how messages name the config} */
  public String where() {
    return where;
  }

  /**
   * Whether the key is given as JSON null (most keys take null as "the default"; a few must tell it apart).
   *
   * @param key a config key
   * @return true when the key is present with the value null
   */
  public boolean isNull(String key) {
    return node.has(key) && node.get(key).isNull();
  }

  /**
   * Whether the key is given with a value other than null. Does not mark it read.
   *
   * @param key a config key
   * @return true when present and not null
   */
  public boolean has(String key) {
    return node.has(key) && !node.get(key).isNull();
  }

  private JsonNode get(String key) {
    seen.add(key);
    return node.get(key);
  }

  private BadInputException bad(String key, String expected, JsonNode got) {
    return new BadInputException(where + ": " + key + " must be " + expected + ", received "
        + (got == null ? "nothing" : got.toString()));
  }

  /**
   * A string.
   *
   * @param key a config key
   * @param dflt the value when absent or null; null makes the key required
   * @return the string
   * @throws BadInputException when the value is not a string, or a required key is missing
   */
  public String string(String key, String dflt) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) {
      if (dflt == null) throw bad(key, "a string (required)", v);
      return dflt;
    }
    if (!v.isTextual()) throw bad(key, "a string", v);
    return v.asText();
  }

  /**
   * A 32-bit integer.
   *
   * @param key a config key
   * @param dflt the value when absent or null; null makes the key required
   * @return the integer
   * @throws BadInputException when the value is not an integer within the int range, or a required
   *     key is missing
   */
  public int integer(String key, Integer dflt) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) {
      if (dflt == null) throw bad(key, "an integer (required)", v);
      return dflt;
    }
    return toInt(key, v, "an integer", v);
  }

  /**
   * A number (integers accepted).
   *
   * @param key a config key
   * @param dflt the value when absent or null; null makes the key required
   * @return the number
   * @throws BadInputException when the value is not a number, or a required key is missing
   */
  public double number(String key, Double dflt) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) {
      if (dflt == null) throw bad(key, "a number (required)", v);
      return dflt;
    }
    if (!v.isNumber()) throw bad(key, "a number", v);
    return v.asDouble();
  }

  /**
   * A boolean.
   *
   * @param key a config key
   * @param dflt the value when absent or null
   * @return the boolean
   * @throws BadInputException when the value is not true or false
   */
  public boolean bool(String key, boolean dflt) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) return dflt;
    if (!v.isBoolean()) throw bad(key, "true or false", v);
    return v.asBoolean();
  }

  /**
   * An integer pair; a single integer n is read as [n, n] as Keras does.
   *
   * @param key a config key, e.g. "kernel_size"
   * @param dflt the pair when absent or null (copied); null makes the key required
   * @return a new array {h, w}
   * @throws BadInputException when the value is not an integer or two integers
   */
  public int[] pair(String key, int[] dflt) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) {
      if (dflt == null) throw bad(key, "two integers [h, w] (required)", v);
      return dflt.clone();
    }
    if (v.isIntegralNumber()) {
      int n = toInt(key, v, "two integers [h, w]", v);
      return new int[] {n, n};
    }
    if (!v.isArray() || v.size() != 2) throw bad(key, "two integers [h, w]", v);
    return new int[] {toInt(key, v.get(0), "two integers [h, w]", v), toInt(key, v.get(1), "two integers [h, w]", v)};
  }

  /**
   * Two pairs of integers [[top, bottom], [left, right]], as Keras' ZeroPadding2D reads them: an
   * integer n is [[n, n], [n, n]] and [h, w] is [[h, h], [w, w]]. Signs are the caller's to check.
   *
   * @param key a config key, e.g. "padding"
   * @param dflt each of the four values when absent or null
   * @return a new array {{top, bottom}, {left, right}}
   * @throws BadInputException when the value has none of the three forms
   */
  public int[][] pairOfPairs(String key, int dflt) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) return new int[][] {{dflt, dflt}, {dflt, dflt}};
    String expected = "an integer, [h, w] or [[top, bottom], [left, right]]";
    if (v.isIntegralNumber()) {
      int n = toInt(key, v, expected, v);
      return new int[][] {{n, n}, {n, n}};
    }
    if (!v.isArray() || v.size() != 2) throw bad(key, expected, v);
    int[][] out = new int[2][2];
    for (int i = 0; i < 2; i++) {
      JsonNode p = v.get(i);
      if (p.isIntegralNumber()) {
        out[i][0] = out[i][1] = toInt(key, p, expected, v);
      } else if (p.isArray() && p.size() == 2) {
        out[i] = new int[] {toInt(key, p.get(0), expected, v), toInt(key, p.get(1), expected, v)};
      } else {
        throw bad(key, expected, v);
      }
    }
    if (v.get(0).isIntegralNumber() != v.get(1).isIntegralNumber()) throw bad(key, expected, v);
    return out;
  }

  /**
   * A list of integers (required when dflt is null).
   *
   * @param key a config key
   * @param dflt the list when absent or null (copied); null makes the key required
   * @return a new array
   * @throws BadInputException when the value is not a list of integers
   */
  public int[] integers(String key, int[] dflt) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) {
      if (dflt == null) throw bad(key, "a list of integers (required)", v);
      return dflt.clone();
    }
    if (!v.isArray()) throw bad(key, "a list of integers", v);
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) out[i] = toInt(key, v.get(i), "a list of integers", v);
    return out;
  }

  /**
   * {@code v} as an int; otherwise bad input that says which is wrong: not an integer at all, or an
   * integer beyond the 32-bit range that every count, size and axis of a spec is read into.
   */
  private int toInt(String key, JsonNode v, String expected, JsonNode shown) {
    if (v != null && v.isIntegralNumber() && v.canConvertToInt()) return v.asInt();
    boolean beyond = v != null && v.isNumber() && !(Math.abs(v.asDouble()) <= Integer.MAX_VALUE);
    throw bad(key, beyond ? expected + " within [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]" : expected, shown);
  }

  /**
   * A list of integers some of which may be null (Keras' None, e.g. Dropout's noise_shape), or null when absent or null.
   *
   * @param key a config key
   * @return a new array with null for each JSON null, or null
   * @throws BadInputException when the value is not a list of integers and nulls
   */
  public Integer[] integersOrNulls(String key) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) return null;
    if (!v.isArray()) throw bad(key, "a list of integers or nulls", v);
    Integer[] out = new Integer[v.size()];
    for (int i = 0; i < out.length; i++) out[i] = v.get(i).isNull() ? null : toInt(key, v.get(i), "a list of integers or nulls", v);
    return out;
  }

  /**
   * A number or a list of numbers, returned as an array (a number gives length 1).
   *
   * @param key a config key
   * @param dflt the values when absent or null (copied), or null
   * @return a new array, or null when absent and {@code dflt} is null
   * @throws BadInputException when the value is not a number or a list of numbers
   */
  public double[] numbers(String key, double[] dflt) {
    JsonNode v = get(key);
    if (v == null || v.isNull()) return dflt == null ? null : dflt.clone();
    if (v.isNumber()) return new double[] {v.asDouble()};
    if (!v.isArray()) throw bad(key, "a number or a list of numbers", v);
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isNumber()) throw bad(key, "a list of numbers", v);
      out[i] = v.get(i).asDouble();
    }
    return out;
  }

  /**
   * Marks keys read by the caller directly, so that {@link #finish()} accepts them.
   *
   * @param keys config keys
   */
  public void known(String... keys) {
    seen.addAll(java.util.List.of(keys));
  }

  /**
   * Fails on any key that no getter asked for.
   *
   * @throws BadInputException naming the unknown keys and the expected ones
   */
  public void finish() {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!seen.contains(k)) unknown.add(k);
    }
    if (!unknown.isEmpty()) {
      throw new BadInputException(where + ": unknown key" + (unknown.size() > 1 ? "s " : " ")
          + unknown + "; expected only " + new ArrayList<>(seen));
    }
  }
}
