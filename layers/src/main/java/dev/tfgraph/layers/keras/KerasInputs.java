package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.layers.keras.mapping.KerasLayers;
import java.util.ArrayList;
import java.util.List;

/**
 * The inputs of an imported Keras model, for {@link KerasGraph}: each InputLayer as a spec input (batch axis
 * null, every other size known or given), its keys at Keras' defaults, the sizes given for unknown axes all used.
 */
final class KerasInputs {
  private KerasInputs() {}

  /** Sizes given for names that are no input of the model: refused, naming the inputs there are. */
  static void unusedInputShapes(KerasGraph g, List<String> inputNames) {
    if (inputNames.isEmpty() && !g.problems.isEmpty()) return;   // the inputs were never reached
    for (String k : g.inputShapes.keySet()) {
      if (!g.shapesUsed.contains(k)) g.problems.add("input_shape names " + k + ", which is not an input of the model (its inputs: " + inputNames + ")");
    }
  }

  static void inputLayerKeys(KerasGraph g, JsonNode c, String kname) {
    List<String> bad = new ArrayList<>();
    for (String k : new String[] {"sparse", "ragged", "optional"}) {
      if (c.path(k).asBoolean(false)) bad.add(k + " true");
    }
    JsonNode dtype = c.get("dtype");
    if (!KerasLayers.floatPolicy(dtype)) bad.add("dtype " + dtype + " (tfgraph's inputs are float)");
    if (!bad.isEmpty()) g.problems.add("'" + kname + "' InputLayer: " + String.join(", ", bad) + " (only Keras' default is supported)");
  }

  static ObjectNode input(KerasGraph g, String name, String kname, JsonNode shape) {
    g.kerasInputs.add(kname);
    ObjectNode in = JsonNodeFactory.instance.objectNode();
    in.put("name", name);
    ArrayNode s = in.putArray("shape");
    s.addNull();
    if (shape == null || !shape.isArray() || shape.size() < 2) {
      g.problems.add("input '" + kname + "': shape " + shape + " (expected [batch, ...] of rank 2 or more)");
      return in;
    }
    long[] given = g.inputShapes.get(kname);
    if (given != null) {
      g.shapesUsed.add(kname);
      if (given.length != shape.size() - 1) {
        g.problems.add("input_shape " + kname + " gives " + given.length + " sizes, the input has " + (shape.size() - 1)
            + " after the batch axis " + shape);
        return in;
      }
    }
    for (int i = 1; i < shape.size(); i++) {
      JsonNode d = shape.get(i);
      boolean known = d.isIntegralNumber() && d.asLong() >= 1;
      if (given != null && known && given[i - 1] != d.asLong()) {
        g.problems.add("input_shape " + kname + " gives " + given[i - 1] + " at axis " + i + ", where the file says " + d.asLong());
        return in;
      }
      if (!known && given == null) {
        g.problems.add("input '" + kname + "': size " + d + " at axis " + i + " of " + shape + " is unknown (save the model built on a"
            + " fixed input shape, or give the sizes with input_shape " + kname + "=d1,d2,...)");
        return in;
      }
      s.add(known ? d.asLong() : given[i - 1]);
    }
    in.put("dtype", "float32");
    return in;
  }
}
