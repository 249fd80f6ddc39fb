package dev.tfgraph.layers.keras;

import static dev.tfgraph.layers.keras.KerasRefs.call;
import static dev.tfgraph.layers.keras.KerasRefs.collectRefs;
import static dev.tfgraph.layers.keras.KerasRefs.isOp;
import static dev.tfgraph.layers.keras.KerasRefs.name;
import static dev.tfgraph.layers.keras.KerasRefs.ref;
import static dev.tfgraph.layers.keras.KerasRefs.refNames;
import static dev.tfgraph.layers.keras.KerasRefs.shifted;
import static dev.tfgraph.layers.keras.KerasRefs.trainingFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.layers.keras.KerasNames.Call;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The copying of one nested model's layers into the flat model {@link KerasNesting} builds: each call
 * of the nested model (a later call's layers are copies sharing the first call's weights), inner nested
 * models at any depth, the freezing and inference mode the model and its call ask for, where each
 * layer's weights are ({@link KerasNesting.Origin}), and the problems that stop an import.
 */
final class KerasNestedModels {
  private final KerasNesting n;
  private final KerasNames naming;

  KerasNestedModels(KerasNesting n, KerasNames naming) {
    this.n = n;
    this.naming = naming;
  }

  /**
   * Appends the layers of nested model {@code l} (flattened name {@code flat}), its inputs being {@code args}; registers its output.
   *
   * @param prefix its .keras weights group and "/"
   * @param models the nested models above it, outermost first (then it is added)
   * @param chains the chains of the outermost nested model (null: {@code l} is the outermost)
   * @param bnFrozen an enclosing call passed training=False
   */
  void nested(JsonNode l, String flat, List<ArrayNode> args, String prefix, List<String> models, Set<String> chains,
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
      n.problems.add(where + ": a nested model without layers (a subclassed model's call() is Python code, which tfgraph never runs)");
      return;
    }
    Map<String, ArrayNode> local = new HashMap<>();
    Map<String, Integer> classes = new HashMap<>();
    List<JsonNode> ls = new ArrayList<>();
    config.get("layers").forEach(ls::add);
    if (cls.equals("Sequential")) {
      if (args.size() != 1) {
        n.problems.add(where + ": called on " + args.size() + " tensors (a Sequential model takes one)");
        return;
      }
      if (!ls.isEmpty() && ls.get(0).path("class_name").asText().equals("InputLayer")) ls.remove(0);
      ArrayNode prev = args.get(0);
      for (JsonNode inner : ls) {
        String icls = inner.path("class_name").asText("");
        String iflat = naming.flatName(call, kname, path, name(inner));
        if (KerasNesting.MODEL_CLASSES.contains(icls)) {
          nested(inner, iflat, List.of(prev), prefix + "layers/" + naming.group(icls, classes) + "/", path, chains, bn, call.into(name(inner)));
        } else {
          ObjectNode copy = layer(inner, iflat, prefix, classes, path, chains, frozen, bn, call);
          copy.set("inbound_nodes", call(prev));
          n.out.add(copy);
        }
        prev = ref(iflat, 0, 0);
      }
      n.modelOutputs.put(flat, prev);
      return;
    }
    List<String> ins = new ArrayList<>();
    refNames(config.get("input_layers"), ins);
    if (ins.size() != args.size()) {
      n.problems.add(where + ": called on " + args.size() + " tensors, but the model has " + ins.size() + " inputs");
      return;
    }
    for (int i = 0; i < ins.size(); i++) local.put(ins.get(i), args.get(i));
    for (JsonNode inner : ls) {   // names first: a layer may take one listed after it
      String icls = inner.path("class_name").asText("");
      if (icls.equals("InputLayer")) continue;
      local.put(name(inner), ref(naming.flatName(call, kname, path, name(inner)), -1, -1));
    }
    for (JsonNode inner : ls) {
      String icls = inner.path("class_name").asText("");
      if (icls.equals("InputLayer")) {
        naming.group(icls, classes);
        continue;
      }
      String iflat = local.get(name(inner)).get(0).asText();
      if (KerasNesting.MODEL_CLASSES.contains(icls)) {
        everyCall(inner, iflat, local, path, prefix + "layers/" + naming.group(icls, classes) + "/", path, chains, bn, call.into(name(inner)));
        continue;
      }
      ObjectNode copy = isOp(inner) ? ((ObjectNode) inner).deepCopy() : layer(inner, iflat, prefix, classes, path, chains, frozen, bn, call);
      copy.put("name", iflat);
      if (copy.path("config").isObject()) ((ObjectNode) copy.get("config")).put("name", iflat);
      if (copy.has("inbound_nodes")) n.rewrite(copy.get("inbound_nodes"), local, false);
      n.out.add(copy);
    }
    List<ArrayNode> outs = new ArrayList<>();
    collectRefs(config.get("output_layers"), outs);
    if (outs.size() != 1) {
      n.problems.add(where + ": a nested model with " + outs.size() + " outputs, which tfgraph does not import");
      return;
    }
    ArrayNode o = outs.get(0).deepCopy();
    ArrayNode r = local.get(o.get(0).asText());
    n.modelOutputs.put(flat, r == null ? o : shifted(r, o));
  }

  /** A copy of a nested layer under its flattened name, frozen as its model says, with its weights' place recorded. */
  ObjectNode layer(JsonNode inner, String iflat, String prefix, Map<String, Integer> classes, List<String> path,
      Set<String> chains, boolean frozen, boolean bn, Call call) {
    String icls = inner.path("class_name").asText("");
    ObjectNode copy = ((ObjectNode) inner).deepCopy();
    copy.put("name", iflat);
    ObjectNode ic = copy.path("config").isObject() ? (ObjectNode) copy.get("config") : copy.putObject("config");
    ic.put("name", iflat);
    if (frozen) ic.put("trainable", false);
    else if (bn && icls.equals("BatchNormalization")) n.inferenceMode.add(iflat);
    String group = prefix + "layers/" + naming.group(icls, classes);
    if (call.k() == 0) n.origins.put(iflat, new KerasNesting.Origin(name(inner), group, List.copyOf(path), chains));
    else copy.put(SHARES, call.first().get(call.key(name(inner))));   // a later call: the first call's weights
    return copy;
  }

  /** The key a later call's copy of a layer carries: the flattened name of the layer whose weights it shares. */
  static final String SHARES = "__tfgraph_shares";

  /** Every call of nested model {@code l}: the first under {@code flat}, each later one as copies sharing its weights. */
  void everyCall(JsonNode l, String flat, Map<String, ArrayNode> local, List<String> models, String prefix, List<String> path,
      Set<String> chains, boolean bn, Call call) {
    List<List<ArrayNode>> args = callRefs(l, local, models);
    if (args == null) return;
    List<String> names = new ArrayList<>();
    for (int k = 0; k < args.size(); k++) {
      String fk = k == 0 ? flat : naming.unique(flat + "_call" + (k + 1));
      naming.taken.add(fk);
      names.add(fk);
      Call c = k == 0 ? call : new Call(k, call.rel(), call.first());
      nested(l, fk, args.get(k), prefix, path, chains, bn, c);
    }
    n.calls.put(flat, names);
    JsonNode n0 = l.path("inbound_nodes").path(0);
    n.firstNode.put(flat, n0.isArray() ? 1 : 0);   // Keras 2's list-form calls: the construction is node 0
  }

  /** The tensors a nested model's one call takes, as references resolved in {@code local}; null (and a problem) when it is called other than once. */
  List<List<ArrayNode>> callRefs(JsonNode l, Map<String, ArrayNode> local, List<String> models) {
    JsonNode nodes = l.path("inbound_nodes");
    String where = "'" + (models == null ? "" : String.join("/", models) + "/") + name(l) + "' " + l.path("class_name").asText();
    if (nodes.size() == 0) {
      n.problems.add(where + ": a model nested in the model, called nowhere");
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
}
