package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.layers.keras.mapping.KerasLayers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Keras model config ({@code Sequential} or {@code Functional}, Keras 3 or Keras 2 style) as a
 * format-2 tfgraph spec: InputLayers become the spec's inputs (batch axis null), every other layer
 * a tfgraph layer ({@link KerasLayers}) with its {@code inbound} from the Keras call that feeds it,
 * in a topological order that keeps Keras' order where it can. Names are Keras' own; characters a
 * spec forbids become {@code _} and a name then taken gets {@code _2}, {@code _3}, ..., each rename
 * recorded. Every refusal is collected and thrown at the end, all in one line.
 */
final class KerasGraph {
  private static final Pattern BAD_CHARS = Pattern.compile("[^A-Za-z0-9_-]");
  private static final Set<String> MODEL_CLASSES = Set.of("Functional", "Sequential", "Model");
  /** The custom layers of keras.applications that tfgraph has, by (module, class). */
  private static final Set<String> APPLICATION_LAYERS = Set.of("keras.src.applications.convnext/LayerScale",
      "keras.src.applications.inception_resnet_v2/CustomScaleLayer");

  /** One imported layer: its names, its Keras class, its place among the layers of its class (for .keras weights). */
  record Entry(String kerasName, String name, String cls, int classIndex, KerasLayers.Mapped mapped) {}

  final ObjectNode spec = JsonNodeFactory.instance.objectNode();
  final List<Entry> entries = new ArrayList<>();
  final List<KerasModel.Rename> renames = new ArrayList<>();
  private final Map<String, String> names = new HashMap<>();   // Keras name -> tfgraph name
  private final Set<String> taken = new HashSet<>();
  private final Map<String, Integer> classCount = new HashMap<>();
  final List<String> problems = new ArrayList<>();
  final String source;
  /** Sizes given for inputs whose config leaves them unknown, by Keras input name; each must be used. */
  Map<String, long[]> inputShapes = Map.of();
  final Set<String> shapesUsed = new HashSet<>();
  final List<String> kerasInputs = new ArrayList<>();
  /** Where the layers of nested models (and, in a model that has some, every layer) keep their weights. */
  KerasNesting nesting;

  private KerasGraph(String source) {
    this.source = source;
  }

  static KerasGraph convert(JsonNode root, String source) {
    return convert(root, source, Map.of());
  }

  /** As {@link #convert(JsonNode, String)}, the sizes an input's config leaves unknown given by {@code inputShapes} (Keras input name to the sizes after the batch axis). */
  static KerasGraph convert(JsonNode root, String source, Map<String, long[]> inputShapes) {
    KerasGraph g = new KerasGraph(source);
    g.inputShapes = inputShapes;
    JsonNode[] flat = new JsonNode[1];
    g.nesting = KerasNesting.flatten(listSequential(root), flat);   // nested models become their layers first
    g.renames.addAll(g.nesting.renames);
    g.problems.addAll(g.nesting.problems);
    g.model(flat[0]);
    return g;
  }

  /** Keras before 2.2.3 wrote a Sequential's config as the list of its layers: as the {@code {"layers": [...]}} later Keras writes. */
  private static JsonNode listSequential(JsonNode root) {
    if (!root.path("class_name").asText("").equals("Sequential") || !root.path("config").isArray()) return root;
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.put("class_name", "Sequential");
    ObjectNode c = r.putObject("config");
    c.put("name", "sequential");
    c.set("layers", root.get("config"));
    return r;
  }

  private void model(JsonNode root) {
    String cls = root.path("class_name").asText("");
    JsonNode config = root.get("config");
    if (!MODEL_CLASSES.contains(cls) || config == null || !config.path("layers").isArray()) {
      throw new BadInputException(source + ": the model is of class \"" + cls + "\", not a Sequential or Functional model: a subclassed"
          + " model's call() is Python code, which tfgraph never runs; rebuild it with the Sequential or functional API");
    }
    spec.put("format_version", 2);
    spec.put("name", rename(config.path("name").asText("model"), "model", false));
    boolean frozen = config.has("trainable") && !config.get("trainable").asBoolean(true);
    if (cls.equals("Sequential")) sequential(config, frozen);
    else functional(config, frozen);
    KerasInputs.unusedInputShapes(this, kerasInputs);
    if (!problems.isEmpty()) {
      throw new BadInputException(source + ": cannot import the model: "
          + String.join("; ", problems));
    }
  }

  // ---- Sequential: a chain; the input from an InputLayer, build_input_shape or a first layer's batch_input_shape

  private void sequential(JsonNode config, boolean frozen) {
    ArrayNode inputs = spec.putArray("inputs");
    ArrayNode layers = spec.putArray("layers");
    String previous = null;
    JsonNode shape = config.get("build_input_shape");
    String inputName = "input_layer";
    List<JsonNode> ls = new ArrayList<>();
    config.get("layers").forEach(ls::add);
    if (!ls.isEmpty() && ls.get(0).path("class_name").asText().equals("InputLayer")) {
      JsonNode c = ls.remove(0).path("config");
      shape = c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape");
      inputName = c.path("name").asText(inputName);
      KerasInputs.inputLayerKeys(this, c, inputName);
    } else if (!ls.isEmpty()) {
      JsonNode c = ls.get(0).path("config");
      if (c.has("batch_input_shape")) shape = c.get("batch_input_shape");
      else if (c.has("batch_shape")) shape = c.get("batch_shape");
    }
    if (shape == null || shape.isNull()) {
      throw new BadInputException(source + ": the Sequential model has no input shape (it was never built); build it on an input,"
          + " e.g. keras.Input(shape), and save it again");
    }
    previous = rename(inputName, inputName, true);
    inputs.add(KerasInputs.input(this, previous, inputName, shape));
    for (JsonNode l : ls) {
      ObjectNode out = layer(l, frozen);
      if (out == null) continue;
      out.putArray("inbound").add(previous);
      layers.add(out);
      previous = out.get("name").asText();
    }
    if (layers.isEmpty() && problems.isEmpty()) throw new BadInputException(source + ": the model has no layers");
    if (!layers.isEmpty()) spec.putArray("outputs").add(previous);
  }

  // ---- Functional: inputs, calls, outputs

  private void functional(JsonNode config, boolean frozen) {
    List<String> outputs = KerasCalls.refs(this, config.get("output_layers"), "output_layers");
    List<String> ins = KerasCalls.refs(this, config.get("input_layers"), "input_layers");
    if (outputs.size() != 1) {
      problems.add("the model has " + outputs.size() + " outputs " + outputs + " (a tfgraph model has one output: save"
          + " keras.Model(model.inputs, model.outputs[i]) for the one you serve)");
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    Map<String, List<String>> inbound = new LinkedHashMap<>();
    Map<String, ObjectNode> converted = new HashMap<>();
    Map<String, JsonNode> inputConfigs = new HashMap<>();
    for (JsonNode l : config.get("layers")) {
      String kname = l.has("name") ? l.get("name").asText() : l.path("config").path("name").asText();
      byName.put(kname, l);
      if (l.path("class_name").asText().equals("InputLayer")) {
        inputConfigs.put(kname, l.path("config"));
        rename(kname, kname, true);
        continue;
      }
      if (l.path("module").asText("").startsWith("keras.src.ops")) {
        List<String> from = new ArrayList<>();
        ObjectNode out = KerasOperations.operation(this, l, kname, from);
        if (out == null) continue;
        converted.put(kname, out);
        inbound.put(kname, from);
        continue;
      }
      ObjectNode out = layer(l, frozen);
      if (out == null) continue;
      JsonNode nodes = l.path("inbound_nodes");
      if (nodes.size() == 0) problems.add("'" + kname + "' " + l.path("class_name").asText() + ": called nowhere");
      for (int call = 0; call < nodes.size(); call++) {
        String key = node(kname, call);
        ObjectNode one = call == 0 ? out : laterCall(out, kname, call);
        converted.put(key, one);
        inbound.put(key, KerasCalls.callers(this, nodes.get(call), l, kname));
        trainingArgument(one, KerasRefs.trainingArgument(nodes.get(call)), kname);
      }
    }
    ArrayNode inputs = spec.putArray("inputs");
    for (String in : ins) {
      JsonNode c = inputConfigs.get(in);
      if (c == null) {
        problems.add("input " + in + " is not an InputLayer of the model");
        continue;
      }
      KerasInputs.inputLayerKeys(this, c, in);
      JsonNode shape = c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape");
      inputs.add(KerasInputs.input(this, names.get(in), in, shape));
    }
    if (!problems.isEmpty()) return;
    ArrayNode layers = spec.putArray("layers");
    for (String kname : KerasCalls.topological(this, inbound, new HashSet<>(ins))) {
      ObjectNode out = converted.get(kname);
      ArrayNode ib = out.putArray("inbound");
      for (String src : inbound.get(kname)) ib.add(names.get(src));
      layers.add(out);
    }
    spec.putArray("outputs").add(names.getOrDefault(outputs.get(0), outputs.get(0).replace('\u0000', '#')));
  }

  /**
   * The key of one call of a layer (Keras' node index into the layer's inbound nodes): the layer's own
   * name for its first call, which every single-call layer has; a later call of a shared layer is told
   * apart by its index (NUL cannot be part of a name that reaches a spec: every later call is renamed).
   */
  static String node(String kname, int index) {
    return index == 0 ? kname : kname + "\u0000" + index;
  }

  /**
   * A later call of a shared layer: a layer {@code <name>_call<n>} (n from 2) of the same type and config
   * that shares the first call's weights (the spec's {@code shares}).
   */
  private ObjectNode laterCall(ObjectNode first, String kname, int call) {
    ObjectNode out = first.deepCopy();
    String base = BAD_CHARS.matcher(first.get("name").asText() + "_call" + (call + 1)).replaceAll("_");
    String name = base;
    for (int i = 2; taken.contains(name); i++) name = base + "_" + i;
    taken.add(name);
    names.put(node(kname, call), name);
    out.put("name", name);
    out.put("shares", first.get("name").asText());
    renames.add(new KerasModel.Rename("layer", kname + " (call " + (call + 1) + ")", name, "a later call of a shared layer, sharing its weights"));
    return out;
  }

  /**
   * A layer called with {@code training=False}: BatchNormalization in inference mode (moving statistics in training
   * too); {@code training=True} on a layer that behaves otherwise in training (BatchNormalization, Dropout) is refused,
   * as tfgraph's inference would not do what Keras' predict then does (batch statistics, dropping).
   */
  private void trainingArgument(ObjectNode layer, Boolean training, String kname) {
    String type = layer.path("type").asText();
    if (Boolean.FALSE.equals(training) && type.equals("BatchNormalization")) layer.put("inference_mode", true);
    if (Boolean.TRUE.equals(training) && (type.equals("BatchNormalization") || type.equals("Dropout"))) {
      problems.add("'" + kname + "' " + type + ": called with training=True, so that Keras' predict uses it as in training"
          + " (tfgraph imports training=False or no training argument)");
    }
  }



  // ---- one layer

  private ObjectNode layer(JsonNode l, boolean frozen) {
    String cls = l.path("class_name").asText("");
    JsonNode config = l.path("config");
    String kname = l.has("name") ? l.get("name").asText() : config.path("name").asText(cls);
    String module = l.path("module").asText("");
    JsonNode registered = l.get("registered_name");
    if (MODEL_CLASSES.contains(cls)) {
      problems.add("'" + kname + "' " + cls + ": a model nested in the model, which tfgraph does not import yet (rebuild it flat)");
      return null;
    }
    boolean custom = registered != null && !registered.isNull() && !registered.asText().equals(cls);
    String type = custom ? LayerRegistry.kerasType(registered.asText()) : null;
    if (custom && (type == null || !LayerRegistry.types().contains(type))) {
      problems.add("'" + kname + "' " + registered.asText() + ": a custom Keras class (its Python code is never run) that no tfgraph"
          + " layer maps (register one through LayerFactory.kerasNames()" + (type == null ? "" : "; tfgraph has no layer type " + type) + ")");
      return null;
    }
    boolean application = APPLICATION_LAYERS.contains(module + "/" + cls);
    if (!custom && !module.isEmpty() && !module.startsWith("keras.layers") && !module.startsWith("keras.src.layers") && !module.equals("keras")
        && !application) {
      String why = module.startsWith("keras.src.ops") ? "a Keras operation node (" + module + "), which tfgraph does not import yet"
          : "a class of module " + module + ", not one of Keras' layers";
      problems.add("'" + kname + "' " + cls + ": " + why);
      return null;
    }
    List<String> mine = new ArrayList<>();
    KerasLayers.Mapped m = custom ? KerasLayers.custom(registered.asText(), type, config, mine) : KerasLayers.map(cls, config, mine);
    for (String p : mine) problems.add("'" + kname + "' " + p);
    if (m == null || !mine.isEmpty()) return null;
    JsonNode shares = l.get(KerasNestedModels.SHARES);   // a later call of a shared nested model: the first call's layer holds the weights
    int index = shares != null ? -1 : classCount.merge(cls, 1, Integer::sum) - 1;
    String name = rename(kname, kname, false);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.set("type", m.config().get("type"));
    out.put("name", name);
    boolean trainable = config.path("trainable").asBoolean(true) && !frozen;
    if (!trainable) out.put("trainable", false);
    m.config().fields().forEachRemaining(e -> {
      if (!e.getKey().equals("type")) out.set(e.getKey(), e.getValue());
    });
    if (nesting.inferenceMode.contains(kname) && cls.equals("BatchNormalization")) out.put("inference_mode", true);
    if (shares != null) {
      out.put("shares", names.getOrDefault(shares.asText(), shares.asText()));
      return out;
    }
    entries.add(new Entry(kname, name, cls, index, m));
    return out;
  }

  /** Keras' name, or one a spec accepts: forbidden characters as '_', and a suffix when the result is taken. */
  String rename(String kname, String what, boolean isInput) {
    String base = BAD_CHARS.matcher(kname).replaceAll("_");
    if (base.isEmpty()) base = "layer";
    if (base.length() > 120) base = base.substring(0, 120);
    String name = base;
    for (int i = 2; taken.contains(name); i++) name = base + "_" + i;
    if (!what.equals("model")) {
      taken.add(name);
      names.put(kname, name);
    }
    if (!name.equals(kname)) {
      String why = !base.equals(kname) ? "characters a spec forbids replaced by _" : "the name is taken";
      renames.add(new KerasModel.Rename(what.equals("model") ? "model" : isInput ? "input" : "layer", kname, name, why));
    }
    return name;
  }
}
