package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
  final List<KerasModel.Rename> renames = new ArrayList<>();
  /** The flattened names of BatchNormalization layers in a nested model called with training=False: inference mode. */
  final Set<String> inferenceMode = new HashSet<>();
  final List<String> problems = new ArrayList<>();
  private final Set<String> taken = new HashSet<>();
  private final Map<String, ArrayNode> modelOutputs = new HashMap<>();   // flattened model name -> its output reference
  /** A nested model called several times: its first call's flattened name -> the flattened name of each call, in order. */
  private final Map<String, List<String>> calls = new HashMap<>();
  /** The node index of a nested model's first call: 1 in Keras 2 files (the model's own construction is node 0), else 0. */
  private final Map<String, Integer> firstNode = new HashMap<>();

  /**
   * One call of a nested model as its layers are copied: {@code k} (0 for the first), the path of names from the called
   * model down ({@code rel}), and the first call's flattened name of every layer ({@code first}, filled by call 0): a
   * later call's layers are copies named {@code <first name>_call<k+1>} that share the first call's weights.
   */
  private record Call(int k, List<String> rel, Map<String, String> first) {
    static Call once() {
      return new Call(0, List.of(), new HashMap<>());
    }

    Call into(String model) {
      List<String> r = new ArrayList<>(rel);
      r.add(model);
      return new Call(k, r, first);
    }

    String key(String inner) {
      return String.join("/", rel) + "/" + inner;
    }
  }
  private final List<ObjectNode> out = new ArrayList<>();

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
    for (JsonNode l : ls) taken.add(name(l));
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
        input.put("name", unique("input_layer"));
        ObjectNode ic = input.putObject("config");
        ic.put("name", input.get("name").asText());
        ic.set("batch_shape", shape == null ? F.nullNode() : shape);
      }
      out.add(input);
      taken.add(input.get("name").asText());
      c.putArray("input_layers").add(ref(input.get("name").asText(), 0, 0));
      output = ref(input.get("name").asText(), 0, 0);
      for (JsonNode l : ls) {
        String cls = l.path("class_name").asText("");
        if (MODEL_CLASSES.contains(cls)) {
          String flat = name(l);
          nested(l, flat, List.of(output), "layers/" + group(cls, classes) + "/", new ArrayList<>(), null, false, Call.once());
          output = ref(flat, 0, 0);
          continue;
        }
        ObjectNode copy = ((ObjectNode) l).deepCopy();
        if (!isOp(l)) origins.put(name(l), new Origin(name(l), "layers/" + group(cls, classes), List.of(), null));
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
          everyCall(l, name(l), local, null, "layers/" + group(cls, classes) + "/", new ArrayList<>(), null, false, Call.once());
          continue;
        }
        if (!isOp(l)) {
          String g = group(cls, classes);
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

  /**
   * Appends the layers of nested model {@code l} (flattened name {@code flat}), its inputs being {@code args}; registers its output.
   *
   * @param prefix its .keras weights group and "/"
   * @param models the nested models above it, outermost first (then it is added)
   * @param chains the chains of the outermost nested model (null: {@code l} is the outermost)
   * @param bnFrozen an enclosing call passed training=False
   */
  private void nested(JsonNode l, String flat, List<ArrayNode> args, String prefix, List<String> models, Set<String> chains,
      boolean bnFrozen, Call call) {
    String cls = l.path("class_name").asText();
    JsonNode config = l.path("config");
    String kname = name(l);
    boolean frozen = !config.path("trainable").asBoolean(true);
    boolean bn = bnFrozen || trainingFalse(l);
    List<String> path = new ArrayList<>(models);
    path.add(kname);
    if (chains == null) chains = new LinkedHashSet<>(List.of(""));
    else chains.add(String.join("/", path.subList(1, path.size())));
    String where = "'" + String.join("/", path) + "' " + cls;
    if (!config.path("layers").isArray()) {
      problems.add(where + ": a nested model without layers (a subclassed model's call() is Python code, which tfgraph never runs)");
      return;
    }
    Map<String, ArrayNode> local = new HashMap<>();
    Map<String, Integer> classes = new HashMap<>();
    List<JsonNode> ls = new ArrayList<>();
    config.get("layers").forEach(ls::add);
    if (cls.equals("Sequential")) {
      if (args.size() != 1) {
        problems.add(where + ": called on " + args.size() + " tensors (a Sequential model takes one)");
        return;
      }
      if (!ls.isEmpty() && ls.get(0).path("class_name").asText().equals("InputLayer")) ls.remove(0);
      ArrayNode prev = args.get(0);
      for (JsonNode inner : ls) {
        String icls = inner.path("class_name").asText("");
        String iflat = flatName(call, kname, path, name(inner));
        if (MODEL_CLASSES.contains(icls)) {
          nested(inner, iflat, List.of(prev), prefix + "layers/" + group(icls, classes) + "/", path, chains, bn, call.into(name(inner)));
        } else {
          ObjectNode copy = layer(inner, iflat, prefix, classes, path, chains, frozen, bn, call);
          copy.set("inbound_nodes", call(prev));
          out.add(copy);
        }
        prev = ref(iflat, 0, 0);
      }
      modelOutputs.put(flat, prev);
      return;
    }
    List<String> ins = new ArrayList<>();
    refNames(config.get("input_layers"), ins);
    if (ins.size() != args.size()) {
      problems.add(where + ": called on " + args.size() + " tensors, but the model has " + ins.size() + " inputs");
      return;
    }
    for (int i = 0; i < ins.size(); i++) local.put(ins.get(i), args.get(i));
    for (JsonNode inner : ls) {   // names first: a layer may take one listed after it
      String icls = inner.path("class_name").asText("");
      if (icls.equals("InputLayer")) continue;
      local.put(name(inner), ref(flatName(call, kname, path, name(inner)), -1, -1));
    }
    for (JsonNode inner : ls) {
      String icls = inner.path("class_name").asText("");
      if (icls.equals("InputLayer")) {
        group(icls, classes);
        continue;
      }
      String iflat = local.get(name(inner)).get(0).asText();
      if (MODEL_CLASSES.contains(icls)) {
        everyCall(inner, iflat, local, path, prefix + "layers/" + group(icls, classes) + "/", path, chains, bn, call.into(name(inner)));
        continue;
      }
      ObjectNode copy = isOp(inner) ? ((ObjectNode) inner).deepCopy() : layer(inner, iflat, prefix, classes, path, chains, frozen, bn, call);
      copy.put("name", iflat);
      if (copy.path("config").isObject()) ((ObjectNode) copy.get("config")).put("name", iflat);
      if (copy.has("inbound_nodes")) rewrite(copy.get("inbound_nodes"), local, false);
      out.add(copy);
    }
    List<ArrayNode> outs = new ArrayList<>();
    collectRefs(config.get("output_layers"), outs);
    if (outs.size() != 1) {
      problems.add(where + ": a nested model with " + outs.size() + " outputs, which tfgraph does not import");
      return;
    }
    ArrayNode o = outs.get(0).deepCopy();
    ArrayNode r = local.get(o.get(0).asText());
    modelOutputs.put(flat, r == null ? o : shifted(r, o));
  }

  /** A copy of a nested layer under its flattened name, frozen as its model says, with its weights' place recorded. */
  private ObjectNode layer(JsonNode inner, String iflat, String prefix, Map<String, Integer> classes, List<String> path,
      Set<String> chains, boolean frozen, boolean bn, Call call) {
    String icls = inner.path("class_name").asText("");
    ObjectNode copy = ((ObjectNode) inner).deepCopy();
    copy.put("name", iflat);
    ObjectNode ic = copy.path("config").isObject() ? (ObjectNode) copy.get("config") : copy.putObject("config");
    ic.put("name", iflat);
    if (frozen) ic.put("trainable", false);
    else if (bn && icls.equals("BatchNormalization")) inferenceMode.add(iflat);
    String group = prefix + "layers/" + group(icls, classes);
    if (call.k() == 0) origins.put(iflat, new Origin(name(inner), group, List.copyOf(path), chains));
    else copy.put(SHARES, call.first().get(call.key(name(inner))));   // a later call: the first call's weights
    return copy;
  }

  /** The key a later call's copy of a layer carries: the flattened name of the layer whose weights it shares. */
  static final String SHARES = "__tfgraph_shares";

  /** A nested layer's flattened name: the first call's (recorded), or for a later call {@code <first>_call<k+1>}. */
  private String flatName(Call call, String model, List<String> path, String inner) {
    if (call.k() == 0) {
      String n = unique(model, path, inner);
      call.first().put(call.key(inner), n);
      return n;
    }
    String first = call.first().get(call.key(inner));
    String n = unique(first + "_call" + (call.k() + 1));
    taken.add(n);
    renames.add(new KerasModel.Rename("layer", String.join("/", path) + "/" + inner + " (call " + (call.k() + 1) + ")", n,
        "a later call of a shared nested model, sharing its weights"));
    return n;
  }

  /** Every call of nested model {@code l}: the first under {@code flat}, each later one as copies sharing its weights. */
  private void everyCall(JsonNode l, String flat, Map<String, ArrayNode> local, List<String> models, String prefix, List<String> path,
      Set<String> chains, boolean bn, Call call) {
    List<List<ArrayNode>> args = callRefs(l, local, models);
    if (args == null) return;
    List<String> names = new ArrayList<>();
    for (int k = 0; k < args.size(); k++) {
      String fk = k == 0 ? flat : unique(flat + "_call" + (k + 1));
      taken.add(fk);
      names.add(fk);
      Call c = k == 0 ? call : new Call(k, call.rel(), call.first());
      nested(l, fk, args.get(k), prefix, path, chains, bn, c);
    }
    calls.put(flat, names);
    JsonNode n0 = l.path("inbound_nodes").path(0);
    firstNode.put(flat, n0.isArray() ? 1 : 0);   // Keras 2's list-form calls: the construction is node 0
  }

  private static boolean isOp(JsonNode l) {
    return l.path("module").asText("").startsWith("keras.src.ops");
  }

  private static boolean trainingFalse(JsonNode l) {
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


  /** The tensors a nested model's one call takes, as references resolved in {@code local}; null (and a problem) when it is called other than once. */
  private List<List<ArrayNode>> callRefs(JsonNode l, Map<String, ArrayNode> local, List<String> models) {
    JsonNode nodes = l.path("inbound_nodes");
    String where = "'" + (models == null ? "" : String.join("/", models) + "/") + name(l) + "' " + l.path("class_name").asText();
    if (nodes.size() == 0) {
      problems.add(where + ": a model nested in the model, called nowhere");
      return null;
    }
    List<List<ArrayNode>> out = new ArrayList<>();
    for (JsonNode node : nodes) {
      List<ArrayNode> refs = new ArrayList<>();
      collectRefs(node.isObject() ? node.path("args") : node, refs);
      List<ArrayNode> resolved = new ArrayList<>();
      for (ArrayNode r : refs) {
        ArrayNode m = local.get(r.get(0).asText());
        resolved.add(m == null ? ref(r.get(0).asText(), r.get(1).asInt(), r.get(2).asInt()) : shifted(m, r));
      }
      out.add(resolved);
    }
    return out;
  }

  /** Keras 3 {@code keras_history} triples and Keras 2 {@code [name, node, tensor, kwargs]} lists, in order. */
  private static void collectRefs(JsonNode n, List<ArrayNode> out) {
    if (n == null) return;
    if (n.isObject() && n.has("config") && n.path("config").has("keras_history")) {
      collectRefs(n.get("config").get("keras_history"), out);
    } else if (isRef(n)) {
      out.add((ArrayNode) n);
    } else if (n.isArray() || n.isObject()) {
      for (JsonNode c : n) collectRefs(c, out);
    }
  }

  private static void refNames(JsonNode n, List<String> out) {
    List<ArrayNode> refs = new ArrayList<>();
    collectRefs(n, refs);
    refs.forEach(r -> out.add(r.get(0).asText()));
  }

  private static boolean isRef(JsonNode n) {
    return n.isArray() && n.size() >= 3 && n.get(0).isTextual() && n.get(1).isIntegralNumber() && n.get(2).isIntegralNumber();
  }

  /** Rewrites every reference in place: names of {@code local} to theirs; with {@code models}, nested models to their outputs. */
  private void rewrite(JsonNode n, Map<String, ArrayNode> local, boolean models) {
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

  /** A local name's replacement: a layer (marked -1) keeps the reference's node and tensor index; an input is the reference given for it. */
  private static ArrayNode shifted(ArrayNode replacement, ArrayNode original) {
    if (replacement.get(1).asInt() != -1) return replacement;
    return ref(replacement.get(0).asText(), original.get(1).asInt(), original.get(2).asInt());
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

  private String group(String cls, Map<String, Integer> classes) {
    int k = classes.merge(cls, 1, Integer::sum) - 1;
    String s = KerasWeights.snake(cls);
    return k == 0 ? s : s + "_" + k;
  }

  /** The inner name when free, else {@code <model>_<name>}, then with {@code _2}, {@code _3}, ...; the rename recorded. */
  private String unique(String model, List<String> path, String kname) {
    String name = kname;
    if (taken.contains(name)) {
      String base = model + "_" + kname;
      name = base;
      for (int i = 2; taken.contains(name); i++) name = base + "_" + i;
      renames.add(new KerasModel.Rename("layer", String.join("/", path) + "/" + kname, name, "a nested model's layer whose name is taken"));
    }
    taken.add(name);
    return name;
  }

  private String unique(String name) {
    String n = name;
    for (int i = 2; taken.contains(n); i++) n = name + "_" + i;
    return n;
  }

  private static String name(JsonNode l) {
    return l.has("name") && l.get("name").isTextual() ? l.get("name").asText() : l.path("config").path("name").asText(l.path("class_name").asText("layer"));
  }

  private static ArrayNode ref(String name, int node, int tensor) {
    ArrayNode a = F.arrayNode();
    a.add(name).add(node).add(tensor);
    return a;
  }

  /** A Keras 3 inbound node calling on {@code r}. */
  private static ArrayNode call(ArrayNode r) {
    ArrayNode nodes = F.arrayNode();
    ObjectNode node = nodes.addObject();
    ObjectNode t = node.putArray("args").addObject();
    t.put("class_name", "__keras_tensor__");
    t.putObject("config").set("keras_history", r.deepCopy());
    node.putObject("kwargs");
    return nodes;
  }
}
