package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.LayerRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
  private static final String OPS_MODULE = "keras.src.ops.numpy";

  /** One imported layer: its names, its Keras class, its place among the layers of its class (for .keras weights). */
  record Entry(String kerasName, String name, String cls, int classIndex, KerasLayers.Mapped mapped) {}

  final ObjectNode spec = JsonNodeFactory.instance.objectNode();
  final List<Entry> entries = new ArrayList<>();
  final List<KerasModel.Rename> renames = new ArrayList<>();
  private final Map<String, String> names = new HashMap<>();   // Keras name -> tfgraph name
  private final Set<String> taken = new HashSet<>();
  private final Map<String, Integer> classCount = new HashMap<>();
  private final List<String> problems = new ArrayList<>();
  private final String source;
  /** Sizes given for inputs whose config leaves them unknown, by Keras input name; each must be used. */
  private Map<String, long[]> inputShapes = Map.of();
  private final Set<String> shapesUsed = new HashSet<>();
  private final List<String> kerasInputs = new ArrayList<>();
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

  /** Sizes given for names that are no input of the model: refused, naming the inputs there are. */
  private void unusedInputShapes(List<String> inputNames) {
    if (inputNames.isEmpty() && !problems.isEmpty()) return;   // the inputs were never reached
    for (String k : inputShapes.keySet()) {
      if (!shapesUsed.contains(k)) problems.add("input_shape names " + k + ", which is not an input of the model (its inputs: " + inputNames + ")");
    }
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
    unusedInputShapes(kerasInputs);
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
      inputLayerKeys(c, inputName);
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
    inputs.add(input(previous, inputName, shape));
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
    List<String> outputs = refs(config.get("output_layers"), "output_layers");
    List<String> ins = refs(config.get("input_layers"), "input_layers");
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
        ObjectNode out = operation(l, kname, from);
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
        inbound.put(key, callers(nodes.get(call), l, kname));
        trainingArgument(one, KerasNesting.trainingArgument(nodes.get(call)), kname);
      }
    }
    ArrayNode inputs = spec.putArray("inputs");
    for (String in : ins) {
      JsonNode c = inputConfigs.get(in);
      if (c == null) {
        problems.add("input " + in + " is not an InputLayer of the model");
        continue;
      }
      inputLayerKeys(c, in);
      JsonNode shape = c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape");
      inputs.add(input(names.get(in), in, shape));
    }
    if (!problems.isEmpty()) return;
    ArrayNode layers = spec.putArray("layers");
    for (String kname : topological(inbound, new HashSet<>(ins))) {
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
  private static String node(String kname, int index) {
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
   * The keys ({@link #node}) of the layers one call of a layer takes, Keras 3 ({@code __keras_tensor__} with
   * {@code keras_history}) or Keras 2 ([[name, node, tensor, kwargs]]).
   */
  private List<String> callers(JsonNode node, JsonNode l, String kname) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {   // Keras 2
      for (JsonNode t : node) {
        if (!t.isArray() || t.size() < 3) {
          problems.add("'" + kname + "': an inbound node tfgraph cannot read: " + KerasLayers.shorten(node));
          return out;
        }
        history(t, kname, out);
        if (t.size() > 3 && t.get(3).isObject() && !plainKwargs(t.get(3))) {
          problems.add("'" + kname + "': called with arguments " + KerasLayers.shorten(t.get(3)) + ", which tfgraph does not import");
        }
      }
      return out;
    }
    tensors(node.path("args"), kname, out);
    if (!plainKwargs(node.path("kwargs"))) {
      problems.add("'" + kname + "' " + l.path("class_name").asText() + ": called with arguments " + KerasLayers.shorten(node.path("kwargs"))
          + ", which tfgraph does not import");
    }
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

  private void tensors(JsonNode args, String kname, List<String> out) {
    if (args.isArray()) {
      for (JsonNode a : args) tensors(a, kname, out);
    } else if (args.isObject() && args.path("class_name").asText().equals("__keras_tensor__")) {
      history(args.path("config").path("keras_history"), kname, out);
    } else if (!args.isMissingNode()) {
      problems.add("'" + kname + "': called with a constant argument " + KerasLayers.shorten(args) + ", which tfgraph does not import");
    }
  }

  private void history(JsonNode h, String kname, List<String> out) {
    if (!h.isArray() || h.size() < 3 || !h.get(0).isTextual()) {
      problems.add("'" + kname + "': an input reference tfgraph cannot read: " + KerasLayers.shorten(h));
      return;
    }
    if (h.get(0).asText().equals("_CONSTANT_VALUE")) {   // tf.keras' record of a constant passed where a tensor goes
      problems.add("'" + kname + "': called on a constant " + KerasLayers.shorten(h.get(2)) + ", which tfgraph does not import");
      return;
    }
    if (h.get(2).asInt() != 0) {
      problems.add("'" + kname + "': takes output " + h.get(2).asInt() + " of '" + h.get(0).asText() + "' (a layer with several outputs)");
    }
    out.add(node(h.get(0).asText(), h.get(1).asInt()));
  }

  /** [[name, 0, 0], ...], a single [name, 0, 0], or a dict of them (named inputs): the names, in order. */
  private List<String> refs(JsonNode n, String key) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      throw new BadInputException(source + ": the functional model's config has no " + key);
    }
    if (n.isObject()) {
      n.forEach(v -> out.addAll(refs(v, key)));
    } else if (n.isArray() && n.size() == 3 && n.get(0).isTextual()) {
      out.add(node(n.get(0).asText(), n.get(1).asInt()));
    } else if (n.isArray()) {
      for (JsonNode r : n) out.addAll(refs(r, key));
    } else {
      throw new BadInputException(source + ": " + key + " " + KerasLayers.shorten(n) + " cannot be read");
    }
    return out;
  }

  /** Kahn's algorithm, taking the earliest ready layer in Keras' order each time. */
  private List<String> topological(Map<String, List<String>> inbound, Set<String> inputs) {
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
              throw new BadInputException(source + ": layer '" + k + "' takes '" + src + "', which is neither a layer nor an input of the model");
            }
          }
        }
        throw new BadInputException(source + ": the layers " + left + " form a cycle");
      }
      left.remove(next);
      done.add(next);
      order.add(next);
    }
    return order;
  }

  // ---- operation nodes (keras.src.ops.numpy): x + 3.0, x * (1/6), ops.add(a, b) in a functional model

  /**
   * An operation node as a tfgraph layer: Add/Subtract/Multiply/Divide (or TrueDivide, Python's /) of one tensor and one number
   * become Rescaling (x + c, c + x, x − c, c − x, x·c, c·x, x / c), Add/Subtract/Multiply of two
   * tensors the merge layer of that name; anything else is refused. Operations are not Keras
   * layers: they hold no weights and no group in a .keras weights file, so they get no {@link Entry}.
   */
  private ObjectNode operation(JsonNode l, String kname, List<String> from) {
    String cls = l.path("class_name").asText("");
    String module = l.path("module").asText("");
    String what = "'" + kname + "' " + cls + ": a Keras operation node (" + module + ")";
    if (!module.equals(OPS_MODULE) || !Set.of("Add", "Subtract", "Multiply", "Divide", "TrueDivide").contains(cls)) {
      problems.add(what + ", which tfgraph does not import (only Add, Subtract, Multiply, Divide and TrueDivide are: rebuild it with Keras layers)");
      return null;
    }
    JsonNode nodes = l.path("inbound_nodes");
    JsonNode config = l.path("config");
    for (var it = config.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("name") && !(key.equals("dtype") && KerasLayers.floatPolicy(config.get(key)))) {
        problems.add(what + ": config key " + key + " (not known to tfgraph's importer)");
        return null;
      }
    }
    if (nodes.size() != 1 || !nodes.get(0).isObject() || nodes.get(0).path("args").size() != 2
        || nodes.get(0).path("kwargs").size() != 0) {
      problems.add(what + ": called as " + KerasLayers.shorten(nodes) + " (expected one call on two arguments)");
      return null;
    }
    JsonNode a = nodes.get(0).path("args").get(0), b = nodes.get(0).path("args").get(1);
    boolean ta = isTensor(a), tb = isTensor(b);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (ta && tb) {
      if (cls.endsWith("Divide")) {
        problems.add(what + ": divides two tensors, which tfgraph does not import (only a tensor by a number)");
        return null;
      }
      out.put("type", cls);
      history(a.path("config").path("keras_history"), kname, from);
      history(b.path("config").path("keras_history"), kname, from);
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
            problems.add(what + ": " + (ta ? "divides by 0" : "divides a number by a tensor") + ", which tfgraph does not import");
            return null;
          }
          scale = 1 / c;
        }
      }
      out.put("type", "Rescaling");
      out.put("scale", scale);
      out.put("offset", offset);
      history((ta ? a : b).path("config").path("keras_history"), kname, from);
    } else {
      problems.add(what + ": arguments " + KerasLayers.shorten(nodes.get(0).path("args"))
          + " (tfgraph imports one tensor and one number, or two tensors)");
      return null;
    }
    ObjectNode named = JsonNodeFactory.instance.objectNode();
    named.set("type", out.get("type"));
    named.put("name", rename(kname, kname, false));
    out.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("type")) named.set(e.getKey(), e.getValue());
    });
    return named;
  }

  private static boolean isTensor(JsonNode n) {
    return n.isObject() && n.path("class_name").asText().equals("__keras_tensor__");
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
    JsonNode shares = l.get(KerasNesting.SHARES);   // a later call of a shared nested model: the first call's layer holds the weights
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

  private void inputLayerKeys(JsonNode c, String kname) {
    List<String> bad = new ArrayList<>();
    for (String k : new String[] {"sparse", "ragged", "optional"}) {
      if (c.path(k).asBoolean(false)) bad.add(k + " true");
    }
    JsonNode dtype = c.get("dtype");
    if (!KerasLayers.floatPolicy(dtype)) bad.add("dtype " + dtype + " (tfgraph's inputs are float)");
    if (!bad.isEmpty()) problems.add("'" + kname + "' InputLayer: " + String.join(", ", bad) + " (only Keras' default is supported)");
  }

  private ObjectNode input(String name, String kname, JsonNode shape) {
    kerasInputs.add(kname);
    ObjectNode in = JsonNodeFactory.instance.objectNode();
    in.put("name", name);
    ArrayNode s = in.putArray("shape");
    s.addNull();
    if (shape == null || !shape.isArray() || shape.size() < 2) {
      problems.add("input '" + kname + "': shape " + shape + " (expected [batch, ...] of rank 2 or more)");
      return in;
    }
    long[] given = inputShapes.get(kname);
    if (given != null) {
      shapesUsed.add(kname);
      if (given.length != shape.size() - 1) {
        problems.add("input_shape " + kname + " gives " + given.length + " sizes, the input has " + (shape.size() - 1)
            + " after the batch axis " + shape);
        return in;
      }
    }
    for (int i = 1; i < shape.size(); i++) {
      JsonNode d = shape.get(i);
      boolean known = d.isIntegralNumber() && d.asLong() >= 1;
      if (given != null && known && given[i - 1] != d.asLong()) {
        problems.add("input_shape " + kname + " gives " + given[i - 1] + " at axis " + i + ", where the file says " + d.asLong());
        return in;
      }
      if (!known && given == null) {
        problems.add("input '" + kname + "': size " + d + " at axis " + i + " of " + shape + " is unknown (save the model built on a"
            + " fixed input shape, or give the sizes with input_shape " + kname + "=d1,d2,...)");
        return in;
      }
      s.add(known ? d.asLong() : given[i - 1]);
    }
    in.put("dtype", "float32");
    return in;
  }


  /** Keras' name, or one a spec accepts: forbidden characters as '_', and a suffix when the result is taken. */
  private String rename(String kname, String what, boolean isInput) {
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
