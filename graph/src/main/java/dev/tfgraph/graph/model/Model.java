package dev.tfgraph.graph.model;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.BoundedJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.Shape;

/**
 * A model: its inputs and its layers, each taking the outputs of named inputs or earlier layers
 * ({@link #inbound(String)}; a chain when every layer takes the one before it), and one output,
 * the last layer. A layer may share an earlier layer's weights ({@link #shares(String)}: Keras'
 * shared layer, applied at several places): it has none of its own, and its output is the earlier
 * layer's function of its own inbound. {@link ModelSpec} reads and writes the contract's JSON spec, losslessly. The
 * constructor builds every layer once, in order, so all shape, config and wiring errors surface
 * before any graph runs ({@link ModelShapes}); {@link ModelSummary} writes its summary.
 */
public final class Model {
  /** The newest spec version this tfgraph reads (1: chains, 2: graphs of layers). */
  public static final int FORMAT_VERSION = 2;
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String name;
  private final List<InputSpec> inputs;
  private final List<String> labels;
  private final List<Layer> layers;
  final Map<String, List<String>> inbound = new LinkedHashMap<>();
  final Map<String, String> shares = new LinkedHashMap<>();
  final Map<String, Shape> shapes = new LinkedHashMap<>();
  Shape outputShape;

  /** A chain: each layer takes the previous one's output, the first takes the input. */
  public Model(String name, InputSpec input, List<String> labels, List<Layer> layers) {
    this(name, List.of(input), labels, layers, Map.of(), null);
  }

  /**
   * A graph of layers. {@code inbound} maps a layer's name to the names it takes (a layer not in
   * it takes the previous layer, or the first input); {@code output} must be the last layer's
   * name (null: the last layer).
   */
  public Model(String name, List<InputSpec> inputs, List<String> labels, List<Layer> layers,
      Map<String, List<String>> inbound, String output) {
    this(name, inputs, labels, layers, inbound, Map.of(), output);
  }

  /**
   * A graph of layers where some share weights: {@code shares} maps a layer's name to the name of
   * an earlier layer of the same type and config (name, trainable aside) that does not itself share,
   * whose weights and function it uses (docs/model-spec.md, {@code shares}).
   */
  public Model(String name, List<InputSpec> inputs, List<String> labels, List<Layer> layers,
      Map<String, List<String>> inbound, Map<String, String> shares, String output) {
    this.name = Checks.name("model", name);
    this.inputs = List.copyOf(inputs);
    this.labels = labels == null ? null : List.copyOf(labels);
    this.layers = List.copyOf(layers);
    if (inputs.isEmpty()) throw new BadInputException("model '" + name + "': inputs must not be empty");
    if (layers.isEmpty()) throw new BadInputException("model '" + name + "': layers must not be empty");
    Wiring.wire(this, inbound, output);
    Wiring.share(this, shares);
    this.shares.putAll(shares);
    ModelShapes.build(this);
  }

  /** A chain with one float32 input {@code inputName} of the given example shape. */
  public static Builder builder(String name, String inputName, long... exampleShape) {
    return new Builder(name, new InputSpec(inputName, Shapes.batchOf(exampleShape), "float32"));
  }

  /** A graph of layers, declared as in Keras' functional API: a layer applied to nodes gives a node. */
  public static Functional functional(String name) { return new Functional(name); }

  /** Fluent declaration of a chain in Java. */
  public static final class Builder {
    private final String name;
    private InputSpec input;
    private List<String> labels;
    private final List<Layer> layers = new ArrayList<>();

    private Builder(String name, InputSpec input) {
      this.name = name;
      this.input = input;
    }

    public Builder add(Layer layer) {
      layers.add(layer);
      return this;
    }

    public Builder labels(List<String> l) {
      labels = l;
      return this;
    }

    public Builder dtype(String dtype) {
      input = new InputSpec(input.name(), input.shape(), dtype);
      return this;
    }

    public Model build() {
      return new Model(name, input, labels, layers);
    }
  }

  public String name() { return name; }

  /** The first input (the only one of a chain). */
  public InputSpec input() { return inputs.get(0); }

  /** Every input, in signature order. */
  public List<InputSpec> inputs() { return inputs; }

  /** The model's dtype (every input has it). */
  public String dtype() { return inputs.get(0).dtype(); }

  public List<String> labels() { return labels; }

  public List<Layer> layers() { return layers; }

  /** The names whose outputs layer {@code layerName} takes, in order. */
  public List<String> inbound(String layerName) {
    List<String> in = inbound.get(layerName);
    if (in == null) throw new BadInputException("model '" + name + "' has no layer \"" + layerName + "\"");
    return in;
  }

  /** The output layer: the last one. */
  public Layer outputLayer() { return layers.get(layers.size() - 1); }

  /** True when the model is a plain chain with one input (written as a version-1 spec). */
  public boolean isChain() { return Wiring.isChain(this); }

  public Shape outputShape() { return outputShape; }

  /** The name of the earlier layer whose weights layer {@code layerName} shares, or null when it has its own. */
  public String shares(String layerName) {
    inbound(layerName);                                     // an unknown name is refused
    return shares.get(layerName);
  }

  /** Every layer that shares weights, by name, with the layer whose weights it uses, in layer order. */
  public Map<String, String> shares() { return java.util.Collections.unmodifiableMap(shares); }

  /**
   * The layer whose weights and computation layer {@code l} uses: the layer it shares, or itself.
   * A graph calls this layer on {@code l}'s inbound.
   */
  public Layer original(Layer l) {
    String o = shares.get(l.name());
    return o == null ? l : layer(o);
  }

  /** The output shape of a layer or the shape of an input, by name. */
  public Shape shapeOf(String nodeName) {
    Shape s = shapes.get(nodeName);
    if (s == null) throw new BadInputException("model '" + name + "' has no input or layer \"" + nodeName + "\"");
    return s;
  }

  /** Number of classes the head predicts (last axis of the output). */
  public int numOutputs() { return (int) outputShape.get(outputShape.numDimensions() - 1); }

  void setInbound(String layerName, List<String> names) {
    inbound.put(layerName, List.copyOf(names));
  }

  /** As {@link ModelShapes#checkSize(Model, long)}. */
  void checkSize(long heapBytes) {
    ModelShapes.checkSize(this, heapBytes);
  }

  /** Every weight's elements, summed exactly (each weight was bounded when declared). */
  public long parameterCount() { return ModelShapes.parameterCount(this); }

  public List<WeightSpec> weights() {
    List<WeightSpec> all = new ArrayList<>();
    for (Layer l : layers) all.addAll(l.weights());
    return all;
  }

  public Layer layer(String layerName) {
    for (Layer l : layers) if (l.name().equals(layerName)) return l;
    throw new BadInputException("model '" + name + "' has no layer \"" + layerName + "\"");
  }

  /** The contract's JSON spec: version 1 for a chain with one input, else version 2. */
  public String config() { return ModelSpec.write(this); }

  /** A spec from JSON text, parsed within {@link BoundedJson}'s limits. */
  public static Model fromConfig(String json) { return fromConfig(BoundedJson.parse(json, "spec")); }

  public static Model fromConfig(JsonNode root) { return ModelSpec.read(root); }

  /** A spec file of at most {@link BoundedJson#MAX_FILE_BYTES}. */
  public static Model load(Path specFile) {
    return fromConfig(BoundedJson.read(specFile, BoundedJson.MAX_FILE_BYTES, "spec " + specFile));
  }

  /** A Keras-like table: layer (type), output shape, parameter count. */
  public String summary() { return ModelSummary.of(this); }
}
