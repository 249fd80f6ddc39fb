package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.layers.keras.file.KerasFormat;
import dev.tfgraph.layers.keras.mapping.KerasLayers;
import java.util.List;
import java.util.Set;

/**
 * Keras' operation nodes in a functional model (module {@code keras.src.ops.numpy}: {@code x + 3.0},
 * {@code x * (1/6)}, {@code ops.add(a, b)}) as tfgraph layers, for {@link KerasGraph}.
 */
final class KerasOperations {
  private static final String OPS_MODULE = "keras.src.ops.numpy";

  private KerasOperations() {}

  /**
   * An operation node as a tfgraph layer: Add/Subtract/Multiply/Divide (or TrueDivide, Python's /) of one tensor and one number
   * become Rescaling (x + c, c + x, x − c, c − x, x·c, c·x, x / c), Add/Subtract/Multiply of two
   * tensors the merge layer of that name; anything else is refused. Operations are not Keras
   * layers: they hold no weights and no group in a .keras weights file, so they get no {@link Entry}.
   */
  static ObjectNode operation(KerasGraph g, JsonNode l, String kname, List<String> from) {
    String cls = l.path("class_name").asText("");
    String module = l.path("module").asText("");
    String what = "'" + kname + "' " + cls + ": a Keras operation node (" + module + ")";
    if (!module.equals(OPS_MODULE) || !Set.of("Add", "Subtract", "Multiply", "Divide", "TrueDivide").contains(cls)) {
      g.problems.add(what + ", which tfgraph does not import (only Add, Subtract, Multiply, Divide and TrueDivide are: rebuild it with Keras layers)");
      return null;
    }
    JsonNode nodes = l.path("inbound_nodes");
    JsonNode config = l.path("config");
    for (var it = config.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("name") && !(key.equals("dtype") && KerasLayers.floatPolicy(config.get(key)))) {
        g.problems.add(what + ": config key " + key + " (not known to tfgraph's importer)");
        return null;
      }
    }
    if (nodes.size() != 1 || !nodes.get(0).isObject() || nodes.get(0).path("args").size() != 2
        || nodes.get(0).path("kwargs").size() != 0) {
      g.problems.add(what + ": called as " + KerasFormat.shorten(nodes) + " (expected one call on two arguments)");
      return null;
    }
    JsonNode a = nodes.get(0).path("args").get(0), b = nodes.get(0).path("args").get(1);
    boolean ta = isTensor(a), tb = isTensor(b);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (ta && tb) {
      if (cls.endsWith("Divide")) {
        g.problems.add(what + ": divides two tensors, which tfgraph does not import (only a tensor by a number)");
        return null;
      }
      out.put("type", cls);
      KerasCalls.history(g, a.path("config").path("keras_history"), kname, from);
      KerasCalls.history(g, b.path("config").path("keras_history"), kname, from);
    } else if (ta && b.isNumber() || tb && a.isNumber()) {
      double c = (ta ? b : a).asDouble();
      double scale = 1, offset = 0;
      switch (cls) {
        case "Add" -> offset = c;
        case "Subtract" -> {
          if (ta) offset = -c;
          else {
            scale = -1;
            offset = c;
          }
        }
        case "Multiply" -> scale = c;
        default -> {   // Divide, TrueDivide (Python's x / c)
          if (!ta || c == 0) {
            g.problems.add(what + ": " + (ta ? "divides by 0" : "divides a number by a tensor") + ", which tfgraph does not import");
            return null;
          }
          scale = 1 / c;
        }
      }
      out.put("type", "Rescaling");
      out.put("scale", scale);
      out.put("offset", offset);
      KerasCalls.history(g, (ta ? a : b).path("config").path("keras_history"), kname, from);
    } else {
      g.problems.add(what + ": arguments " + KerasFormat.shorten(nodes.get(0).path("args"))
          + " (tfgraph imports one tensor and one number, or two tensors)");
      return null;
    }
    ObjectNode named = JsonNodeFactory.instance.objectNode();
    named.set("type", out.get("type"));
    named.put("name", g.rename(kname, kname, false));
    out.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("type")) named.set(e.getKey(), e.getValue());
    });
    return named;
  }

  private static boolean isTensor(JsonNode n) {
    return n.isObject() && n.path("class_name").asText().equals("__keras_tensor__");
  }
}
