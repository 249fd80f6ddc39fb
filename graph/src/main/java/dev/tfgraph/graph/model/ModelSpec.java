package dev.tfgraph.graph.model;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.LayerRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/**
 * The JSON spec (docs/model-spec.md) for a {@link Model}: version 1 (one
 * {@code input}, a chain) and version 2 ({@code inputs}, a layer's {@code inbound} and
 * {@code shares}, {@code outputs}). Reading is strict: an unknown or ill-typed key names where it is.
 */
final class ModelSpec {
  private static final List<String> V2_KEYS = List.of("inputs", "outputs");

  private ModelSpec() {}

  static String write(Model m) {
    boolean chain = m.isChain();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("format_version", chain ? 1 : 2);
    out.put("name", m.name());
    if (chain) {
      out.put("input", input(m.input()));
    } else {
      List<Object> ins = new ArrayList<>();
      m.inputs().forEach(i -> ins.add(input(i)));
      out.put("inputs", ins);
    }
    if (m.labels() != null) out.put("labels", m.labels());
    List<Object> ls = new ArrayList<>();
    for (Layer l : m.layers()) {
      Map<String, Object> c = l.config();
      if (!chain) c.put("inbound", m.inbound(l.name()));
      String shared = m.shares(l.name());
      if (shared != null) c.put("shares", shared);
      ls.add(c);
    }
    out.put("layers", ls);
    if (!chain) out.put("outputs", List.of(m.outputLayer().name()));
    try {
      return Model.JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> input(InputSpec in) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", in.name());
    List<Object> shape = new ArrayList<>();
    for (long d : in.shape().asArray()) shape.add(d < 0 ? null : d);
    m.put("shape", shape);
    m.put("dtype", in.dtype());
    return m;
  }

  static Model read(JsonNode root) {
    ConfigReader r = new ConfigReader(root, "spec");
    int version = r.integer("format_version", 1);
    if (version > Model.FORMAT_VERSION || version < 1) {
      throw new BadInputException("spec: format_version " + version + " is not supported; this tfgraph reads format_version 1 to "
          + Model.FORMAT_VERSION + (version > Model.FORMAT_VERSION ? " (the spec was written by a newer tfgraph)" : ""));
    }
    String name = r.string("name", "model");
    if (version == 1) {
      for (String k : V2_KEYS) {
        if (root.has(k)) throw new BadInputException("spec: " + k + " is a format_version 2 key; expected \"format_version\": 2 with it, received format_version 1");
      }
    }
    r.known("input", "inputs", "labels", "layers", "outputs");
    List<InputSpec> inputs = inputs(root, version);
    List<String> labels = null;
    JsonNode ln = root.get("labels");
    if (ln != null && !ln.isNull()) labels = strings(ln, "spec: labels");
    JsonNode layersNode = root.get("layers");
    if (layersNode == null || !layersNode.isArray()) {
      throw new BadInputException("spec: layers must be a list of layer objects, received " + layersNode);
    }
    List<Layer> layers = new ArrayList<>();
    Map<String, List<String>> inbound = new LinkedHashMap<>();
    Map<String, String> shares = new LinkedHashMap<>();
    for (int i = 0; i < layersNode.size(); i++) {
      JsonNode ln2 = layersNode.get(i);
      String where = "layers[" + i + "]";
      List<String> in = null;
      if (ln2 != null && ln2.isObject() && ln2.has("inbound")) {
        if (version == 1) {
          throw new BadInputException(where + ": inbound is a format_version 2 key; expected \"format_version\": 2 with it, received format_version 1");
        }
        in = strings(ln2.get("inbound"), where + ": inbound");
        ln2 = ((ObjectNode) ln2).deepCopy();
        ((ObjectNode) ln2).remove("inbound");
      }
      String shared = null;
      if (ln2 != null && ln2.isObject() && ln2.has("shares")) {
        if (version == 1) {
          throw new BadInputException(where + ": shares is a format_version 2 key; expected \"format_version\": 2 with it, received format_version 1");
        }
        JsonNode sn = ln2.get("shares");
        if (!sn.isTextual()) {
          throw new BadInputException(where + ": shares must be the name of an earlier layer (a string), received " + sn);
        }
        shared = sn.asText();
        ln2 = ((ObjectNode) ln2).deepCopy();
        ((ObjectNode) ln2).remove("shares");
      }
      Layer l = LayerRegistry.fromConfig(ln2, where);
      if (shared != null) {
        if (shares.containsKey(l.name())) throw new BadInputException("spec: duplicate layer name \"" + l.name() + "\"");
        shares.put(l.name(), shared);
      }
      if (in != null) {
        if (inbound.containsKey(l.name())) throw new BadInputException("spec: duplicate layer name \"" + l.name() + "\"");
        inbound.put(l.name(), in);
      }
      layers.add(l);
    }
    String output = null;
    JsonNode on = root.get("outputs");
    if (on != null && !on.isNull()) {
      List<String> outs = strings(on, "spec: outputs");
      if (outs.size() != 1) {
        throw new BadInputException("spec: outputs must list exactly one layer name (a model has one output), received " + on);
      }
      output = outs.get(0);
    }
    r.finish();
    return new Model(name, inputs, labels, layers, inbound, shares, output);
  }

  private static List<InputSpec> inputs(JsonNode root, int version) {
    JsonNode one = root.get("input"), many = root.get("inputs");
    if (one != null && many != null) throw new BadInputException("spec: give either input or inputs, not both");
    if (one == null && many == null) {
      throw new BadInputException("spec: input is required, e.g. {\"name\": \"x\", \"shape\": [null, 8], \"dtype\": \"float32\"}"
          + (version >= 2 ? " (or inputs, a list of such objects)" : ""));
    }
    if (one != null) return List.of(input(one, "spec.input"));
    if (!many.isArray() || many.isEmpty()) {
      throw new BadInputException("spec: inputs must be a non-empty list of input objects, received " + many);
    }
    List<InputSpec> out = new ArrayList<>();
    for (int i = 0; i < many.size(); i++) out.add(input(many.get(i), "spec.inputs[" + i + "]"));
    return out;
  }

  private static InputSpec input(JsonNode in, String where) {
    ConfigReader ir = new ConfigReader(in, where);
    String inputName = ir.string("name", "x");
    JsonNode shapeNode = in.get("shape");
    ir.known("shape");
    if (shapeNode == null || !shapeNode.isArray() || shapeNode.size() < 2) {
      throw new BadInputException(where + ": shape must be a list like [null, 28, 28, 1], received " + shapeNode);
    }
    long[] dims = new long[shapeNode.size()];
    for (int i = 0; i < dims.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (i == 0 && d.isNull()) dims[i] = -1;
      else if (i > 0 && d.isIntegralNumber() && d.asLong() > 0 && d.asLong() < (1L << 31)) dims[i] = d.asLong();
      else throw new BadInputException(where + ": shape must be [null, positive integers...], received " + shapeNode);
    }
    String dtype = ir.string("dtype", "float32");
    ir.finish();
    return new InputSpec(inputName, Shape.of(dims), dtype);
  }

  private static List<String> strings(JsonNode n, String what) {
    if (!n.isArray()) throw new BadInputException(what + " must be a list of strings, received " + n);
    List<String> out = new ArrayList<>();
    for (JsonNode s : n) {
      if (!s.isTextual()) throw new BadInputException(what + " must be a list of strings, received " + n);
      out.add(s.asText());
    }
    return out;
  }
}
