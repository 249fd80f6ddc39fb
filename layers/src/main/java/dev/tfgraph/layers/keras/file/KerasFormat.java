package dev.tfgraph.layers.keras.file;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import java.util.Locale;

/**
 * What tfgraph's Keras reader and writer both need to know of a Keras file's contents: Keras' names of a
 * layer's weights group, the labels tfgraph keeps in a {@code .keras} file's metadata.json, and a JSON value
 * as a message quotes it.
 *
 * <p>Internal to the Keras reader and writer of tfgraph-layers (public for their packages): not an API.
 */
public final class KerasFormat {
  private KerasFormat() {}

  /**
   * Keras' naming.to_snake_case: "Conv2D" -&gt; "conv2d", "BatchNormalization" -&gt; "batch_normalization".
   *
   * @param cls a Keras class name
   * @return its snake-case name, as Keras names a layer's weights group
   */
  public static String snake(String cls) {
    String s = cls.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * The labels a {@code .keras} file written by tfgraph carries in metadata.json.
   *
   * @param metadata the file's metadata.json, or null
   * @return the labels array, or null (another writer, or no labels)
   * @throws BadInputException when tfgraph.labels holds anything but strings
   */
  public static JsonNode labels(JsonNode metadata) {
    if (metadata == null) return null;
    JsonNode l = metadata.path("tfgraph").path("labels");
    if (!l.isArray() || l.isEmpty()) return null;
    for (JsonNode s : l) {
      if (!s.isTextual()) throw new BadInputException("metadata.json: tfgraph.labels holds " + shorten(s) + ", expected strings");
    }
    return l;
  }

  /**
   * A JSON value as a message quotes it: at most 80 characters, then "...".
   *
   * @param v any JSON value
   * @return its JSON text, shortened
   */
  public static String shorten(JsonNode v) {
    String s = v.toString();
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
