package dev.tfgraph.layers.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the layers of an imported Keras model feed each other, for {@link KerasGraph}: a Sequential model's
 * chain, from its input (an InputLayer, build_input_shape or a first layer's batch_input_shape); a Functional
 * model's inputs, calls and output, each later call of a shared layer a layer of its own that shares the
 * first call's weights.
 */
final class KerasWiring {
  private KerasWiring() {}

  // ---- Sequential: a chain; the input from an InputLayer, build_input_shape or a first layer's batch_input_shape

  static void sequential(KerasGraph g, JsonNode config, boolean frozen) {
    ArrayNode inputs = g.spec.putArray("inputs");
    ArrayNode layers = g.spec.putArray("layers");
    String previous = null;
    JsonNode shape = config.get("build_input_shape");
    String inputName = "input_layer";
    List<JsonNode> ls = new ArrayList<>();
    config.get("layers").forEach(ls::add);
    if (!ls.isEmpty() && ls.get(0).path("class_name").asText().equals("InputLayer")) {
      JsonNode c = ls.remove(0).path("config");
      shape = c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape");
      inputName = c.path("name").asText(inputName);
      KerasInputs.inputLayerKeys(g, c, inputName);
    } else if (!ls.isEmpty()) {
      JsonNode c = ls.get(0).path("config");
      if (c.has("batch_input_shape")) shape = c.get("batch_input_shape");
      else if (c.has("batch_shape")) shape = c.get("batch_shape");
    }
    if (shape == null || shape.isNull()) {
      throw new BadInputException(g.source + ": the Sequential model has no input shape (it was never built); build it on an input,"
          + " e.g. keras.Input(shape), and save it again");
    }
    previous = g.rename(inputName, inputName, true);
    inputs.add(KerasInputs.input(g, previous, inputName, shape));
    for (JsonNode l : ls) {
      ObjectNode out = g.layer(l, frozen);
      if (out == null) continue;
      out.putArray("inbound").add(previous);
      layers.add(out);
      previous = out.get("name").asText();
    }
    if (layers.isEmpty() && g.problems.isEmpty()) throw new BadInputException(g.source + ": the model has no layers");
    if (!layers.isEmpty()) g.spec.putArray("outputs").add(previous);
  }

  // ---- Functional: inputs, calls, outputs

  static void functional(KerasGraph g, JsonNode config, boolean frozen) {
    List<String> outputs = KerasCalls.refs(g, config.get("output_layers"), "output_layers");
    List<String> ins = KerasCalls.refs(g, config.get("input_layers"), "input_layers");
    if (outputs.size() != 1) {
      g.problems.add("the model has " + outputs.size() + " outputs " + outputs + " (a tfgraph model has one output: save"
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
        g.rename(kname, kname, true);
        continue;
      }
      if (l.path("module").asText("").startsWith("keras.src.ops")) {
        List<String> from = new ArrayList<>();
        ObjectNode out = KerasOperations.operation(g, l, kname, from);
        if (out == null) continue;
        converted.put(kname, out);
        inbound.put(kname, from);
        continue;
      }
      ObjectNode out = g.layer(l, frozen);
      if (out == null) continue;
      JsonNode nodes = l.path("inbound_nodes");
      if (nodes.size() == 0) g.problems.add("'" + kname + "' " + l.path("class_name").asText() + ": called nowhere");
      for (int call = 0; call < nodes.size(); call++) {
        String key = KerasGraph.node(kname, call);
        ObjectNode one = call == 0 ? out : laterCall(g, out, kname, call);
        converted.put(key, one);
        inbound.put(key, KerasCalls.callers(g, nodes.get(call), l, kname));
        trainingArgument(g, one, KerasRefs.trainingArgument(nodes.get(call)), kname);
      }
    }
    ArrayNode inputs = g.spec.putArray("inputs");
    for (String in : ins) {
      JsonNode c = inputConfigs.get(in);
      if (c == null) {
        g.problems.add("input " + in + " is not an InputLayer of the model");
        continue;
      }
      KerasInputs.inputLayerKeys(g, c, in);
      JsonNode shape = c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape");
      inputs.add(KerasInputs.input(g, g.names.get(in), in, shape));
    }
    if (!g.problems.isEmpty()) return;
    ArrayNode layers = g.spec.putArray("layers");
    for (String kname : KerasCalls.topological(g, inbound, new HashSet<>(ins))) {
      ObjectNode out = converted.get(kname);
      ArrayNode ib = out.putArray("inbound");
      for (String src : inbound.get(kname)) ib.add(g.names.get(src));
      layers.add(out);
    }
    g.spec.putArray("outputs").add(g.names.getOrDefault(outputs.get(0), outputs.get(0).replace('\u0000', '#')));
  }

  /**
   * A later call of a shared layer: a layer {@code <name>_call<n>} (n from 2) of the same type and config
   * that shares the first call's weights (the spec's {@code shares}).
   */
  private static ObjectNode laterCall(KerasGraph g, ObjectNode first, String kname, int call) {
    ObjectNode out = first.deepCopy();
    String base = KerasGraph.BAD_CHARS.matcher(first.get("name").asText() + "_call" + (call + 1)).replaceAll("_");
    String name = base;
    for (int i = 2; g.taken.contains(name); i++) name = base + "_" + i;
    g.taken.add(name);
    g.names.put(KerasGraph.node(kname, call), name);
    out.put("name", name);
    out.put("shares", first.get("name").asText());
    g.renames.add(new KerasModel.Rename("layer", kname + " (call " + (call + 1) + ")", name, "a later call of a shared layer, sharing its weights"));
    return out;
  }

  /**
   * A layer called with {@code training=False}: BatchNormalization in inference mode (moving statistics in training
   * too); {@code training=True} on a layer that behaves otherwise in training (BatchNormalization, Dropout) is refused,
   * as tfgraph's inference would not do what Keras' predict then does (batch statistics, dropping).
   */
  private static void trainingArgument(KerasGraph g, ObjectNode layer, Boolean training, String kname) {
    String type = layer.path("type").asText();
    if (Boolean.FALSE.equals(training) && type.equals("BatchNormalization")) layer.put("inference_mode", true);
    if (Boolean.TRUE.equals(training) && (type.equals("BatchNormalization") || type.equals("Dropout"))) {
      g.problems.add("'" + kname + "' " + type + ": called with training=True, so that Keras' predict uses it as in training"
          + " (tfgraph imports training=False or no training argument)");
    }
  }
}
