package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading and writing the pieces of a Keras layer entry that the flattening of nested models
 * ({@link KerasNesting}) works on: a layer's name, whether it is an operation, the {@code training}
 * argument of its calls, and tensor references ({@code [name, node, tensor]} triples, Keras 3's
 * {@code keras_history} or Keras 2's lists) and the inbound nodes built from them.
 */
final class KerasRefs {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private KerasRefs() {}

  static boolean isOp(JsonNode l) {
    return l.path("module").asText("").startsWith("keras.src.ops");
  }

  static boolean trainingFalse(JsonNode l) {
    for (JsonNode node : l.path("inbound_nodes")) {
      if (Boolean.FALSE.equals(trainingArgument(node))) return true;
    }
    return false;
  }

  /** The {@code training} argument one call (inbound node, Keras 3's object or Keras 2's list) passes: true, false, or null for none. */
  static Boolean trainingArgument(JsonNode node) {
    List<JsonNode> kwargs = new ArrayList<>();
    if (node.isObject()) kwargs.add(node.path("kwargs"));
    else node.forEach(t -> {
      if (t.isArray() && t.size() > 3) kwargs.add(t.get(3));
    });
    for (JsonNode kw : kwargs) {
      if (kw.path("training").isBoolean()) return kw.get("training").asBoolean();
    }
    return null;
  }

  /** Keras 3 {@code keras_history} triples and Keras 2 {@code [name, node, tensor, kwargs]} lists, in order. */
  static void collectRefs(JsonNode n, List<ArrayNode> out) {
    if (n == null) return;
    if (n.isObject() && n.has("config") && n.path("config").has("keras_history")) {
      collectRefs(n.get("config").get("keras_history"), out);
    } else if (isRef(n)) {
      out.add((ArrayNode) n);
    } else if (n.isArray() || n.isObject()) {
      for (JsonNode c : n) collectRefs(c, out);
    }
  }

  static void refNames(JsonNode n, List<String> out) {
    List<ArrayNode> refs = new ArrayList<>();
    collectRefs(n, refs);
    refs.forEach(r -> out.add(r.get(0).asText()));
  }

  static boolean isRef(JsonNode n) {
    return n.isArray() && n.size() >= 3 && n.get(0).isTextual() && n.get(1).isIntegralNumber() && n.get(2).isIntegralNumber();
  }

  /** A local name's replacement: a layer (marked -1) keeps the reference's node and tensor index; an input is the reference given for it. */
  static ArrayNode shifted(ArrayNode replacement, ArrayNode original) {
    if (replacement.get(1).asInt() != -1) return replacement;
    return ref(replacement.get(0).asText(), original.get(1).asInt(), original.get(2).asInt());
  }

  static String name(JsonNode l) {
    return l.has("name") && l.get("name").isTextual() ? l.get("name").asText() : l.path("config").path("name").asText(l.path("class_name").asText("layer"));
  }

  static ArrayNode ref(String name, int node, int tensor) {
    ArrayNode a = F.arrayNode();
    a.add(name).add(node).add(tensor);
    return a;
  }

  /** A Keras 3 inbound node calling on {@code r}. */
  static ArrayNode call(ArrayNode r) {
    ArrayNode nodes = F.arrayNode();
    ObjectNode node = nodes.addObject();
    ObjectNode t = node.putArray("args").addObject();
    t.put("class_name", "__keras_tensor__");
    t.putObject("config").set("keras_history", r.deepCopy());
    node.putObject("kwargs");
    return nodes;
  }
}
