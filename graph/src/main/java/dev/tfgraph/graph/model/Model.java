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
 * layer's function of its own inbound. {@link ModelSpec} reads and writes the JSON spec of docs/model-spec.md, losslessly. The
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

  /**
   * A chain: each layer takes the previous one's output, the first takes the input.
   *
   * @param name the model's name, a valid identifier
   * @param input the one input: its name, shape with a leading batch axis of -1, and dtype
   * @param labels class names, one per output unit, or null when the model has none
   * @param layers the layers in order, not yet built; at least one
   * @throws BadInputException when a name, a config, a shape or the wiring is invalid
   */
  public Model(String name, InputSpec input, List<String> labels, List<Layer> layers) {
    this(name, List.of(input), labels, layers, Map.of(), null);
  }

  /**
   * A graph of layers. {@code inbound} maps a layer's name to the names it takes (a layer not in
   * it takes the previous layer, or the first input); {@code output} must be the last layer's
   * name (null: the last layer).
   *
   * @param name the model's name, a valid identifier
   * @param inputs the inputs in signature order; at least one, all of one dtype
   * @param labels class names, one per output unit, or null when the model has none
   * @param layers the layers in order, not yet built; at least one
   * @param inbound layer name to the input or earlier layer names it takes, in order
   * @param output the last layer's name, or null
   * @throws BadInputException when a name, a config, a shape or the wiring is invalid
   */
  public Model(String name, List<InputSpec> inputs, List<String> labels, List<Layer> layers,
      Map<String, List<String>> inbound, String output) {
    this(name, inputs, labels, layers, inbound, Map.of(), output);
  }

  /**
   * A graph of layers where some share weights: {@code shares} maps a layer's name to the name of
   * an earlier layer of the same type and config (name, trainable aside) that does not itself share,
   * whose weights and function it uses (docs/model-spec.md, {@code shares}).
   *
   * @param name the model's name, a valid identifier
   * @param inputs the inputs in signature order; at least one, all of one dtype
   * @param labels class names, one per output unit, or null when the model has none
   * @param layers the layers in order, not yet built; at least one
   * @param inbound layer name to the input or earlier layer names it takes, in order
   * @param shares sharing layer name to the name of the layer whose weights it uses
   * @param output the last layer's name, or null
   * @throws BadInputException when a name, a config, a shape, the wiring or a share is invalid
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

  /**
   * A chain with one float32 input {@code inputName} of the given example shape.
   *
   * @param name the model's name
   * @param inputName the input's name
   * @param exampleShape one example's shape, without the batch axis (e.g. 224, 224, 3)
   * @return a builder; layers are checked when {@link Builder#build()} is called
   */
  public static Builder builder(String name, String inputName, long... exampleShape) {
    return new Builder(name, new InputSpec(inputName, Shapes.batchOf(exampleShape), "float32"));
  }

  /**
   * A graph of layers, declared as in Keras' functional API: a layer applied to nodes gives a node.
   *
   * @param name the model's name
   * @return an empty declaration to add inputs and layers to
   */
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

    /**
     * Appends a layer after the previous one.
     *
     * @param layer the next layer, not yet built
     * @return this builder
     */
    public Builder add(Layer layer) {
      layers.add(layer);
      return this;
    }

    /**
     * Sets the class names, one per output unit.
     *
     * @param l the class names, or null for none
     * @return this builder
     */
    public Builder labels(List<String> l) {
      labels = l;
      return this;
    }

    /**
     * Sets the input's dtype ("float32" by default).
     *
     * @param dtype one of the input dtypes of docs/model-spec.md
     * @return this builder
     */
    public Builder dtype(String dtype) {
      input = new InputSpec(input.name(), input.shape(), dtype);
      return this;
    }

    /**
     * Builds every layer in order.
     *
     * @return the model
     * @throws BadInputException when a layer's config or shape is invalid
     */
    public Model build() {
      return new Model(name, input, labels, layers);
    }
  }

  /**
   * The model's name.
   *
   * @return the name given at construction
   */
  public String name() { return name; }

  /**
   * The first input (the only one of a chain).
   *
   * @return the first input's spec
   */
  public InputSpec input() { return inputs.get(0); }

  /**
   * Every input, in signature order.
   *
   * @return the inputs, unmodifiable
   */
  public List<InputSpec> inputs() { return inputs; }

  /**
   * The model's dtype (every input has it).
   *
   * @return a dtype name such as "float32"
   */
  public String dtype() { return inputs.get(0).dtype(); }

  /**
   * The class names, one per output unit.
   *
   * @return the labels, or null when the model has none
   */
  public List<String> labels() { return labels; }

  /**
   * The layers in order; the last is the output.
   *
   * @return the layers, unmodifiable
   */
  public List<Layer> layers() { return layers; }

  /**
   * The names whose outputs layer {@code layerName} takes, in order.
   *
   * @param layerName a layer of this model
   * @return input or layer names, in order
   * @throws BadInputException when the model has no such layer
   */
  public List<String> inbound(String layerName) {
    List<String> in = inbound.get(layerName);
    if (in == null) throw new BadInputException("model '" + name + "' has no layer \"" + layerName + "\"");
    return in;
  }

  /**
   * The output layer: the last one.
   *
   * @return the last layer
   */
  public Layer outputLayer() { return layers.get(layers.size() - 1); }

  /**
   * True when the model is a plain chain with one input (written as a version-1 spec).
   *
   * @return whether the spec is written as version 1
   */
  public boolean isChain() { return Wiring.isChain(this); }

  /**
   * The output shape, batch axis included as -1.
   *
   * @return the last layer's output shape, for example [-1, 10]
   */
  public Shape outputShape() { return outputShape; }

  /**
   * The name of the earlier layer whose weights layer {@code layerName} shares, or null when it has its own.
   *
   * @param layerName a layer of this model
   * @return the shared layer's name, or null
   * @throws BadInputException when the model has no such layer
   */
  public String shares(String layerName) {
    inbound(layerName);                                     // an unknown name is refused
    return shares.get(layerName);
  }

  /**
   * Every layer that shares weights, by name, with the layer whose weights it uses, in layer order.
   *
   * @return sharing layer name to shared layer name, unmodifiable
   */
  public Map<String, String> shares() { return java.util.Collections.unmodifiableMap(shares); }

  /**
   * The layer whose weights and computation layer {@code l} uses: the layer it shares, or itself.
   * A graph calls this layer on {@code l}'s inbound.
   *
   * @param l a layer of this model
   * @return the shared layer, or {@code l}
   */
  public Layer original(Layer l) {
    String o = shares.get(l.name());
    return o == null ? l : layer(o);
  }

  /**
   * The output shape of a layer or the shape of an input, by name.
   *
   * @param nodeName an input or layer name
   * @return its shape, batch axis included as -1
   * @throws BadInputException when the model has no such input or layer
   */
  public Shape shapeOf(String nodeName) {
    Shape s = shapes.get(nodeName);
    if (s == null) throw new BadInputException("model '" + name + "' has no input or layer \"" + nodeName + "\"");
    return s;
  }

  /**
   * Number of classes the head predicts (last axis of the output).
   *
   * @return the output's last dimension
   */
  public int numOutputs() { return (int) outputShape.get(outputShape.numDimensions() - 1); }

  void setInbound(String layerName, List<String> names) {
    inbound.put(layerName, List.copyOf(names));
  }

  /** As {@link ModelShapes#checkSize(Model, long)}. */
  void checkSize(long heapBytes) {
    ModelShapes.checkSize(this, heapBytes);
  }

  /**
   * Every weight's elements, summed exactly (each weight was bounded when declared).
   *
   * @return the number of scalar parameters (a sharing layer has none of its own)
   */
  public long parameterCount() { return ModelShapes.parameterCount(this); }

  /**
   * Every weight of every layer, in layer order then declaration order.
   *
   * @return a new list of weight specs (name {@code <layer>.<weight>}, shape, trainability)
   */
  public List<WeightSpec> weights() {
    List<WeightSpec> all = new ArrayList<>();
    for (Layer l : layers) all.addAll(l.weights());
    return all;
  }

  /**
   * The layer with this name.
   *
   * @param layerName a layer of this model
   * @return the layer
   * @throws BadInputException when the model has no such layer
   */
  public Layer layer(String layerName) {
    for (Layer l : layers) if (l.name().equals(layerName)) return l;
    throw new BadInputException("model '" + name + "' has no layer \"" + layerName + "\"");
  }

  /**
   * The JSON spec of docs/model-spec.md: version 1 for a chain with one input, else version 2.
   *
   * @return the spec as indented JSON text
   */
  public String config() { return ModelSpec.write(this); }

  /**
   * A spec from JSON text, parsed within {@link BoundedJson}'s limits.
   *
   * @param json the spec's text
   * @return the model, every layer built
   * @throws BadInputException when the JSON or the spec is invalid or over the limits
   */
  public static Model fromConfig(String json) { return fromConfig(BoundedJson.parse(json, "spec")); }

  /**
   * A spec already parsed to a JSON tree.
   *
   * @param root the spec's root object
   * @return the model, every layer built
   * @throws BadInputException when the spec is invalid
   */
  public static Model fromConfig(JsonNode root) { return ModelSpec.read(root); }

  /**
   * A spec file of at most {@link BoundedJson#MAX_FILE_BYTES}.
   *
   * @param specFile a JSON spec file
   * @return the model, every layer built
   * @throws BadInputException when the file cannot be read, is too large, or is invalid
   */
  public static Model load(Path specFile) {
    return fromConfig(BoundedJson.read(specFile, BoundedJson.MAX_FILE_BYTES, "spec " + specFile));
  }

  /**
   * A Keras-like table: layer (type), output shape, parameter count.
   *
   * @return the summary, one line per layer
   */
  public String summary() { return ModelSummary.of(this); }
}
