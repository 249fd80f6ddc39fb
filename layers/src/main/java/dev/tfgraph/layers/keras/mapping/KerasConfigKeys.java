package dev.tfgraph.layers.keras.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.layers.keras.file.KerasFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One Keras layer config read key by key ({@link KerasLayerMappings} says which keys each class has); what is
 * left at the end is refused unless it is ignored everywhere (initializers, regularizers, constraints).
 */
final class KerasConfigKeys {
  private final String cls;
  private final ObjectNode in;
  private final List<String> problems;
  /** Read for every class: batch_input_shape is Keras 2's input shape on a first layer, read (or ignored) by the model's input. */
  private final Set<String> seen = new LinkedHashSet<>(List.of("name", "trainable", "batch_input_shape"));
  private final List<String> mine = new ArrayList<>();

  KerasConfigKeys(String cls, ObjectNode in, List<String> problems) {
    this.cls = cls;
    this.in = in;
    this.problems = problems;
    JsonNode dtype = take("dtype");
    if (!KerasLayers.floatPolicy(dtype)) problem("dtype " + dtype + " (a float policy is expected)");
  }

  JsonNode take(String key) {
    seen.add(key);
    return in.get(key);
  }

  void ignore(String... keys) {
    seen.addAll(List.of(keys));
  }

  void problem(String what) {
    mine.add(what);
  }

  void copy(ObjectNode out, String... keys) {
    for (String key : keys) {
      JsonNode v = take(key);
      if (v != null && !v.isNull()) out.set(key, v);
    }
  }

  void activation(ObjectNode out) {
    JsonNode a = take("activation");
    if (a == null || a.isNull()) return;
    if (!a.isTextual()) {
      problem("activation " + KerasFormat.shorten(a) + " (a custom activation function: Python code is never run)");
      return;
    }
    String name = a.asText();
    if (!LayerRegistry.activations().containsKey(name)) {
      problem("activation \"" + a.asText() + "\" (tfgraph has " + LayerRegistry.activations().keySet() + ")");
      return;
    }
    out.put("activation", name);
  }

  void channelsLast() {
    atDefault("data_format", "channels_last");
  }

  /** A key accepted only at Keras' default value (absent or null counts as the default when the default is null). */
  void atDefault(String key, Object dflt) {
    JsonNode v = take(key);
    if (v == null) return;
    boolean ok = dflt == null ? v.isNull()
        : dflt instanceof Boolean b ? v.isBoolean() && v.asBoolean() == b
        : dflt instanceof Integer i ? v.isIntegralNumber() && v.asLong() == i
        : v.isTextual() && v.asText().equals(dflt) || v.isNull() && dflt.equals("channels_last");
    if (!ok) problem(key + " " + KerasFormat.shorten(v) + " (only Keras' default " + (dflt == null ? "null" : dflt) + " is supported)");
  }

  void finish() {
    for (Iterator<String> it = in.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (seen.contains(key) || key.endsWith("_initializer") || key.endsWith("_regularizer") || key.endsWith("_constraint")) continue;
      problem("key " + key + " (not known to tfgraph's importer)");
    }
    if (!mine.isEmpty()) problems.add(cls + ": " + String.join(", ", mine));
  }
}
