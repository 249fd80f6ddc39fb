package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.layers.keras.file.KerasFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the layers of an imported functional model call each other, for {@link KerasGraph}: the tensors each
 * call takes (Keras 3's {@code __keras_tensor__} histories, Keras 2's {@code [name, node, tensor, kwargs]}
 * lists), the model's input and output references, and a topological order that keeps Keras' order where it can.
 */
final class KerasCalls {
  private KerasCalls() {}

  /**
   * The keys ({@link KerasGraph#node}) of the layers one call of a layer takes, Keras 3 ({@code __keras_tensor__} with
   * {@code keras_history}) or Keras 2 ([[name, node, tensor, kwargs]]).
   */
  static List<String> callers(KerasGraph g, JsonNode node, JsonNode l, String kname) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {   // Keras 2
      for (JsonNode t : node) {
        if (!t.isArray() || t.size() < 3) {
          g.problems.add("'" + kname + "': an inbound node tfgraph cannot read: " + KerasFormat.shorten(node));
          return out;
        }
        history(g, t, kname, out);
        if (t.size() > 3 && t.get(3).isObject() && !plainKwargs(t.get(3))) {
          g.problems.add("'" + kname + "': called with arguments " + KerasFormat.shorten(t.get(3)) + ", which tfgraph does not import");
        }
      }
      return out;
    }
    tensors(g, node.path("args"), kname, out);
    if (!plainKwargs(node.path("kwargs"))) {
      g.problems.add("'" + kname + "' " + l.path("class_name").asText() + ": called with arguments " + KerasFormat.shorten(node.path("kwargs"))
          + ", which tfgraph does not import");
    }
    return out;
  }

  private static boolean plainKwargs(JsonNode kw) {
    for (var it = kw.fields(); it.hasNext(); ) {
      var e = it.next();
      boolean ok = switch (e.getKey()) {
        case "training" -> e.getValue().isBoolean() || e.getValue().isNull();
        case "mask" -> e.getValue().isNull();
        default -> false;
      };
      if (!ok) return false;
    }
    return true;
  }

  static void tensors(KerasGraph g, JsonNode args, String kname, List<String> out) {
    if (args.isArray()) {
      for (JsonNode a : args) tensors(g, a, kname, out);
    } else if (args.isObject() && args.path("class_name").asText().equals("__keras_tensor__")) {
      history(g, args.path("config").path("keras_history"), kname, out);
    } else if (!args.isMissingNode()) {
      g.problems.add("'" + kname + "': called with a constant argument " + KerasFormat.shorten(args) + ", which tfgraph does not import");
    }
  }

  static void history(KerasGraph g, JsonNode h, String kname, List<String> out) {
    if (!h.isArray() || h.size() < 3 || !h.get(0).isTextual()) {
      g.problems.add("'" + kname + "': an input reference tfgraph cannot read: " + KerasFormat.shorten(h));
      return;
    }
    if (h.get(0).asText().equals("_CONSTANT_VALUE")) {   // tf.keras' record of a constant passed where a tensor goes
      g.problems.add("'" + kname + "': called on a constant " + KerasFormat.shorten(h.get(2)) + ", which tfgraph does not import");
      return;
    }
    if (h.get(2).asInt() != 0) {
      g.problems.add("'" + kname + "': takes output " + h.get(2).asInt() + " of '" + h.get(0).asText() + "' (a layer with several outputs)");
    }
    out.add(KerasGraph.node(h.get(0).asText(), h.get(1).asInt()));
  }

  /** [[name, 0, 0], ...], a single [name, 0, 0], or a dict of them (named inputs): the names, in order. */
  static List<String> refs(KerasGraph g, JsonNode n, String key) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      throw new BadInputException(g.source + ": the functional model's config has no " + key);
    }
    if (n.isObject()) {
      n.forEach(v -> out.addAll(refs(g, v, key)));
    } else if (n.isArray() && n.size() == 3 && n.get(0).isTextual()) {
      out.add(KerasGraph.node(n.get(0).asText(), n.get(1).asInt()));
    } else if (n.isArray()) {
      for (JsonNode r : n) out.addAll(refs(g, r, key));
    } else {
      throw new BadInputException(g.source + ": " + key + " " + KerasFormat.shorten(n) + " cannot be read");
    }
    return out;
  }

  /** Kahn's algorithm, taking the earliest ready layer in Keras' order each time. */
  static List<String> topological(KerasGraph g, Map<String, List<String>> inbound, Set<String> inputs) {
    List<String> order = new ArrayList<>();
    Set<String> done = new HashSet<>(inputs);
    List<String> left = new ArrayList<>(inbound.keySet());
    while (!left.isEmpty()) {
      String next = null;
      for (String k : left) {
        if (done.containsAll(inbound.get(k))) {
          next = k;
          break;
        }
      }
      if (next == null) {
        for (String k : left) {
          for (String src : inbound.get(k)) {
            if (!inbound.containsKey(src) && !inputs.contains(src)) {
              throw new BadInputException(g.source + ": layer '" + k + "' takes '" + src + "', which is neither a layer nor an input of the model");
            }
          }
        }
        throw new BadInputException(g.source + ": the layers " + left + " form a cycle");
      }
      left.remove(next);
      done.add(next);
      order.add(next);
    }
    return order;
  }
}
