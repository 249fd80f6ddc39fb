package dev.tfgraph.layers.keras;

import static dev.tfgraph.layers.keras.KerasRefs.call;
import static dev.tfgraph.layers.keras.KerasRefs.isOp;
import static dev.tfgraph.layers.keras.KerasRefs.isRef;
import static dev.tfgraph.layers.keras.KerasRefs.name;
import static dev.tfgraph.layers.keras.KerasRefs.ref;
import static dev.tfgraph.layers.keras.KerasRefs.shifted;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pre-pass of the Keras import that flattens models used as layers: every nested {@code Sequential}
 * or {@code Functional} (at any depth) becomes its own layers, wired to the tensors the outer call passes
 * and feeding the outer layers that took the nested model's output, so that {@link KerasGraph} sees one
 * flat functional model. A nested layer whose name is already taken becomes {@code <model>_<name>}
 * (then {@code _2}, {@code _3}, ...), each rename recorded. A nested model whose config says
 * {@code trainable: false} freezes all its layers; one called with {@code training=False} puts its
 * BatchNormalization layers in inference mode (moving statistics when trained, gamma and beta still trained). Each nested layer keeps where Keras stores its
 * weights ({@link Origin}). A model without nested models passes through unchanged.
 *
 * <p>This class holds the outer model's pass and the result; {@link KerasNestedModels} copies each nested
 * model's layers, {@link KerasNames} gives them their names, {@link KerasRefs} reads and writes references.
 */
final class KerasNesting {
  static final Set<String> MODEL_CLASSES = Set.of("Functional", "Sequential", "Model");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * Where a nested layer's weights are.
   *
   * @param kerasName the layer's name in its own model
   * @param group its {@code .keras} weights group, e.g. {@code layers/functional/layers/conv2d_1}
   * @param models the names of the nested models holding it, outermost first (the first names its legacy .h5 group)
   * @param chains every chain of nested model names below {@code models[0]} ("" for none, "a/b" for b in a), for legacy .h5 weight names
   */
  record Origin(String kerasName, String group, List<String> models, Set<String> chains) {}

  final Map<String, Origin> origins = new HashMap<>();   // flattened name -> origin
  private final KerasNames naming = new KerasNames();
  private final KerasNestedModels nested = new KerasNestedModels(this, naming);
  final List<KerasModel.Rename> renames = naming.renames;
  /** The flattened names of BatchNormalization layers in a nested model called with training=False: inference mode. */
  final Set<String> inferenceMode = new HashSet<>();
  final List<String> problems = new ArrayList<>();
  final Map<String, ArrayNode> modelOutputs = new HashMap<>();   // flattened model name -> its output reference
  /** A nested model called several times: its first call's flattened name -> the flattened name of each call, in order. */
  final Map<String, List<String>> calls = new HashMap<>();
  /** The node index of a nested model's first call: 1 in Keras 2 files (the model's own construction is node 0), else 0. */
  final Map<String, Integer> firstNode = new HashMap<>();
  /** The flat model's layers, in order. */
  final List<ObjectNode> out = new ArrayList<>();

  private KerasNesting() {}

  /** {@code root} itself when no layer is a model, else a flat Functional config equivalent to it. */
  static KerasNesting flatten(JsonNode root, JsonNode[] flat) {
    KerasNesting n = new KerasNesting();
    flat[0] = root;
    JsonNode config = root.path("config");
    if (!MODEL_CLASSES.contains(root.path("class_name").asText("")) || !config.path("layers").isArray()) return n;
    boolean any = false;
    for (JsonNode l : config.get("layers")) any |= MODEL_CLASSES.contains(l.path("class_name").asText(""));
    if (!any) return n;
    flat[0] = n.top(root);
    return n;
  }

  private JsonNode top(JsonNode root) {
    JsonNode config = root.get("config");
    boolean sequential = root.path("class_name").asText().equals("Sequential");
    List<JsonNode> ls = new ArrayList<>();
    config.get("layers").forEach(ls::add);
    for (JsonNode l : ls) naming.taken.add(name(l));
    ObjectNode c = F.objectNode();
    c.set("name", config.get("name"));
    if (config.has("trainable")) c.set("trainable", config.get("trainable"));
    Map<String, ArrayNode> local = new HashMap<>();
    Map<String, Integer> classes = new HashMap<>();
    ArrayNode output;
    if (sequential) {
      ObjectNode input;
      if (!ls.isEmpty() && ls.get(0).path("class_name").asText().equals("InputLayer")) {
        input = ((ObjectNode) ls.remove(0)).deepCopy();
        if (!input.has("name")) input.put("name", name(input));
      } else {
        JsonNode shape = config.get("build_input_shape");
        JsonNode first = ls.isEmpty() ? F.objectNode() : ls.get(0).path("config");
        if (first.has("batch_input_shape")) shape = first.get("batch_input_shape");
        else if (first.has("batch_shape")) shape = first.get("batch_shape");
        input = F.objectNode();
        input.put("class_name", "InputLayer");
        input.put("name", naming.unique("input_layer"));
        ObjectNode ic = input.putObject("config");
        ic.put("name", input.get("name").asText());
        ic.set("batch_shape", shape == null ? F.nullNode() : shape);
      }
      out.add(input);
      naming.taken.add(input.get("name").asText());
      c.putArray("input_layers").add(ref(input.get("name").asText(), 0, 0));
      output = ref(input.get("name").asText(), 0, 0);
      for (JsonNode l : ls) {
        String cls = l.path("class_name").asText("");
        if (MODEL_CLASSES.contains(cls)) {
          String flat = name(l);
          nested.nested(l, flat, List.of(output), "layers/" + naming.group(cls, classes) + "/", new ArrayList<>(), null, false, KerasNames.Call.once());
          output = ref(flat, 0, 0);
          continue;
        }
        ObjectNode copy = ((ObjectNode) l).deepCopy();
        if (!isOp(l)) origins.put(name(l), new Origin(name(l), "layers/" + naming.group(cls, classes), List.of(), null));
        copy.put("name", name(l));
        copy.set("inbound_nodes", call(output));
        out.add(copy);
        output = ref(name(l), 0, 0);
      }
    } else {
      c.set("input_layers", config.get("input_layers"));
      for (JsonNode l : ls) {
        String cls = l.path("class_name").asText("");
        if (MODEL_CLASSES.contains(cls)) {
          nested.everyCall(l, name(l), local, null, "layers/" + naming.group(cls, classes) + "/", new ArrayList<>(), null, false, KerasNames.Call.once());
          continue;
        }
        if (!isOp(l)) {
          String g = naming.group(cls, classes);
          if (!cls.equals("InputLayer")) origins.put(name(l), new Origin(name(l), "layers/" + g, List.of(), null));
        }
        out.add(((ObjectNode) l).deepCopy());
      }
      output = null;
      c.set("output_layers", config.get("output_layers"));
    }
    // references to a nested model become references to its output, at every depth
    for (ObjectNode l : out) {
      if (l.has("inbound_nodes")) rewrite(l.get("inbound_nodes"), local, true);
    }
    if (output != null) c.putArray("output_layers").add(resolve(output));
    else rewrite(c.get("output_layers"), local, true);
    ArrayNode layers = c.putArray("layers");
    out.forEach(layers::add);
    ObjectNode r = F.objectNode();
    r.put("class_name", "Functional");
    r.set("config", c);
    return r;
  }

  /** Rewrites every reference in place: names of {@code local} to theirs; with {@code models}, nested models to their outputs. */
  void rewrite(JsonNode n, Map<String, ArrayNode> local, boolean models) {
    if (n == null) return;
    if (isRef(n)) {
      ArrayNode a = (ArrayNode) n;
      ArrayNode m = local.get(a.get(0).asText());
      ArrayNode r = m == null ? a : shifted(m, a);
      if (models) r = resolve(r);
      a.set(0, r.get(0));
      a.set(1, r.get(1));
      a.set(2, r.get(2));
      return;
    }
    if (n.isArray() || n.isObject()) {
      for (JsonNode c : n) rewrite(c, local, models);
    }
  }

  private ArrayNode resolve(ArrayNode r) {
    for (int i = 0; i < 64; i++) {
      String name = r.get(0).asText();
      List<String> each = calls.get(name);
      if (each != null && each.size() > 1) {   // node k of a shared nested model: its k-th call
        int k = Math.max(0, Math.min(each.size() - 1, r.get(1).asInt() - firstNode.getOrDefault(name, 0)));
        name = each.get(k);
      }
      if (!modelOutputs.containsKey(name)) return r;
      r = modelOutputs.get(name);
    }
    return r;
  }
}
