package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.layers.keras.mapping.KerasLayers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
  static final Pattern BAD_CHARS = Pattern.compile("[^A-Za-z0-9_-]");
  private static final Set<String> MODEL_CLASSES = Set.of("Functional", "Sequential", "Model");
  /** The custom layers of keras.applications that tfgraph has, by (module, class). */
  private static final Set<String> APPLICATION_LAYERS = Set.of("keras.src.applications.convnext/LayerScale",
      "keras.src.applications.inception_resnet_v2/CustomScaleLayer");

  /** One imported layer: its names, its Keras class, its place among the layers of its class (for .keras weights). */
  record Entry(String kerasName, String name, String cls, int classIndex, KerasLayers.Mapped mapped) {}

  final ObjectNode spec = JsonNodeFactory.instance.objectNode();
  final List<Entry> entries = new ArrayList<>();
  final List<KerasModel.Rename> renames = new ArrayList<>();
  final Map<String, String> names = new HashMap<>();   // Keras name -> tfgraph name
  final Set<String> taken = new HashSet<>();
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
    if (cls.equals("Sequential")) KerasWiring.sequential(this, config, frozen);
    else KerasWiring.functional(this, config, frozen);
    KerasInputs.unusedInputShapes(this, kerasInputs);
    if (!problems.isEmpty()) {
      throw new BadInputException(source + ": cannot import the model: "
          + String.join("; ", problems));
    }
  }

  /**
   * The key of one call of a layer (Keras' node index into the layer's inbound nodes): the layer's own
   * name for its first call, which every single-call layer has; a later call of a shared layer is told
   * apart by its index (NUL cannot be part of a name that reaches a spec: every later call is renamed).
   */
  static String node(String kname, int index) {
    return index == 0 ? kname : kname + "\u0000" + index;
  }

  // ---- one layer

  ObjectNode layer(JsonNode l, boolean frozen) {
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
