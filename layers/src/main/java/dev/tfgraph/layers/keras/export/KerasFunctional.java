package dev.tfgraph.layers.keras.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/**
 * A tfgraph model as a Keras 3 Functional config, the one Keras writes for {@code keras.Model(inputs, output)}:
 * an InputLayer per input (with {@code batch_shape}), then a layer per tfgraph layer in the spec's order, each
 * with module, class_name, config, registered_name, build_config and its calls ({@code inbound_nodes}, every
 * argument a {@code __keras_tensor__} naming the layer and call that made it). A layer that shares another's
 * weights (the spec's {@code shares}) is one more call of that layer. Keeps, for the weights file, the Keras
 * layers in config order with the tfgraph layer whose weights each holds.
 */
final class KerasFunctional {
  /** One Keras layer of the config, in order: its class, Keras' name, and the tfgraph layer holding its weights (null for an input). */
  record Written(String className, String name, Layer layer) {}

  final ObjectNode root = JsonNodeFactory.instance.objectNode();
  final List<Written> written = new ArrayList<>();
  private final Model model;
  /** Where each input or layer output comes from in Keras: [Keras layer name, node index]. */
  private final Map<String, Object[]> history = new HashMap<>();
  private final Map<String, ObjectNode> byName = new LinkedHashMap<>();

  private KerasFunctional(Model model) {
    this.model = model;
  }

  /** The Functional config of {@code model} ({@code spec}: its format-2 config), every layer without a Keras class named in one line. */
  static KerasFunctional of(Model model, JsonNode spec, Map<String, NpyArray> weights) {
    KerasFunctional f = new KerasFunctional(model);
    f.root.put("module", "keras.src.models.functional");
    f.root.put("class_name", "Functional");
    ObjectNode config = f.root.putObject("config");
    config.put("name", model.name());
    config.put("trainable", true);
    ArrayNode layers = config.putArray("layers");
    for (InputSpec in : model.inputs()) layers.add(f.input(in));
    List<String> problems = new ArrayList<>();
    for (JsonNode l : spec.get("layers")) {
      String name = l.get("name").asText();
      String shared = model.shares(name);
      if (shared != null) {
        if (f.byName.containsKey(shared)) f.call(f.byName.get(shared), name, l);   // else refused above
        continue;
      }
      KerasClasses.KerasClass k = KerasClasses.of(l, weights, problems);
      if (k == null) continue;
      ObjectNode out = layers.addObject();
      out.put("module", k.module());
      out.put("class_name", k.className());
      out.set("config", k.config());
      if (k.registeredName() == null) out.putNull("registered_name");
      else out.put("registered_name", k.registeredName());
      out.putObject("build_config").set("input_shape", f.inputShapes(name));
      out.put("name", name);
      out.putArray("inbound_nodes");
      f.byName.put(name, out);
      f.written.add(new Written(k.className(), name, model.layer(name)));
      f.call(out, name, l);
    }
    if (!problems.isEmpty()) {
      throw new BadInputException("model '" + model.name() + "' cannot be written as Keras: " + String.join("; ", problems));
    }
    config.set("input_layers", f.inputLayers());
    config.set("output_layers", f.ref(model.outputLayer().name()));
    f.root.put("registered_name", "Functional");
    f.root.putObject("build_config").putNull("input_shape");
    return f;
  }

  private ObjectNode input(InputSpec in) {
    ObjectNode l = JsonNodeFactory.instance.objectNode();
    l.put("module", "keras.layers");
    l.put("class_name", "InputLayer");
    ObjectNode c = l.putObject("config");
    c.set("batch_shape", shape(in.shape()));
    c.put("dtype", "float32");
    c.put("sparse", false);
    c.put("ragged", false);
    c.put("name", in.name());
    c.put("optional", false);
    l.putNull("registered_name");
    l.put("name", in.name());
    l.putArray("inbound_nodes");
    history.put(in.name(), new Object[] {in.name(), 0});
    written.add(new Written("InputLayer", in.name(), null));
    return l;
  }

  /** One more call of the Keras layer {@code keras}, made by the tfgraph layer {@code name} (its own, or one sharing its weights). */
  private void call(ObjectNode keras, String name, JsonNode spec) {
    ArrayNode nodes = (ArrayNode) keras.get("inbound_nodes");
    ObjectNode node = nodes.addObject();
    ArrayNode args = node.putArray("args");
    List<String> inbound = model.inbound(name);
    ArrayNode target = model.layer(name).maxInbound() > 1 ? args.addArray() : args;
    for (String src : inbound) target.add(tensor(src));
    ObjectNode kwargs = node.putObject("kwargs");
    if (spec.path("type").asText().equals("BatchNormalization") && spec.path("inference_mode").asBoolean(false)) {
      kwargs.put("training", false);
    }
    history.put(name, new Object[] {keras.get("name").asText(), nodes.size() - 1});
  }

  private ObjectNode tensor(String src) {
    ObjectNode t = JsonNodeFactory.instance.objectNode();
    t.put("class_name", "__keras_tensor__");
    ObjectNode c = t.putObject("config");
    c.set("shape", shape(model.shapeOf(src)));
    c.put("dtype", "float32");
    c.set("keras_history", ref(src));
    return t;
  }

  /** [Keras layer, node index, 0] of a tfgraph input or layer. */
  private ArrayNode ref(String src) {
    Object[] h = history.getOrDefault(src, new Object[] {src, 0});   // a refused layer: the whole model is refused below
    ArrayNode r = JsonNodeFactory.instance.arrayNode();
    r.add((String) h[0]).add((Integer) h[1]).add(0);
    return r;
  }

  /** One input: [name, 0, 0], as Keras writes for keras.Model(x, y); several: a list of those. */
  private JsonNode inputLayers() {
    if (model.inputs().size() == 1) return ref(model.inputs().get(0).name());
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (InputSpec in : model.inputs()) out.add(ref(in.name()));
    return out;
  }

  private JsonNode inputShapes(String name) {
    List<String> inbound = model.inbound(name);
    if (model.layer(name).maxInbound() <= 1) return shape(model.shapeOf(inbound.get(0)));
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (String src : inbound) out.add(shape(model.shapeOf(src)));
    return out;
  }

  /** A shape with the batch axis (and any unknown size) as null. */
  static ArrayNode shape(Shape s) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (long d : s.asArray()) {
      if (d < 0) out.addNull();
      else out.add(d);
    }
    return out;
  }
}
