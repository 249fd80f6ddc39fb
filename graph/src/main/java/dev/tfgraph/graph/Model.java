package dev.tfgraph.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.ndarray.Shape;

/**
 * A sequential model: an input spec and an ordered list of layers. {@link #fromConfig(String)}
 * and {@link #config()} speak the contract's JSON spec, losslessly. {@link #build()} builds every
 * layer once, so all shape and config errors surface before any graph runs.
 */
public final class Model {
  public static final int FORMAT_VERSION = 1;
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String name;
  private final InputSpec input;
  private final List<String> labels;
  private final List<Layer> layers;
  private Shape outputShape;

  public Model(String name, InputSpec input, List<String> labels, List<Layer> layers) {
    this.name = Checks.name("model", name);
    this.input = input;
    this.labels = labels == null ? null : List.copyOf(labels);
    this.layers = List.copyOf(layers);
    if (layers.isEmpty()) throw new BadInputException("model '" + name + "': layers must not be empty");
    Set<String> names = new HashSet<>();
    for (Layer l : layers) {
      if (!names.add(l.name())) {
        throw new BadInputException("model '" + name + "': duplicate layer name \"" + l.name() + "\"");
      }
    }
    build();
  }

  public static Builder builder(String name, String inputName, long... exampleShape) {
    return new Builder(name, new InputSpec(inputName, Shapes.batchOf(exampleShape), "float32"));
  }

  /** Fluent declaration of a model in Java. */
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

  public String name() {
    return name;
  }

  public InputSpec input() {
    return input;
  }

  public List<String> labels() {
    return labels;
  }

  public List<Layer> layers() {
    return layers;
  }

  public Shape outputShape() {
    return outputShape;
  }

  /** Number of classes the head predicts (last axis of the output). */
  public int numOutputs() {
    return (int) outputShape.get(outputShape.numDimensions() - 1);
  }

  private void build() {
    Shape s = input.shape();
    Checks.activation("model '" + name + "'", "input " + input.name(), Shapes.dims(s), null);
    for (Layer l : layers) s = l.build(s);
    outputShape = s;
    checkSize(Runtime.getRuntime().maxMemory());
    if (labels != null && outputShape.numDimensions() == 2 && labels.size() != outputShape.get(1)) {
      throw new BadInputException("model '" + name + "': labels has " + labels.size()
          + " names, expected " + outputShape.get(1) + " (the output width)");
    }
  }

  /** Bytes per weight element in the model's dtype. */
  private int elementBytes() {
    return input.dtype().equals("float64") ? 8 : 4;
  }

  /**
   * The whole model must fit before anything is allocated: its weights at most
   * {@link Checks#MAX_MODEL_BYTES} in its dtype, and, as Java materialises them as doubles when
   * initialising (8 bytes an element), within {@code heapBytes}. The message names the largest
   * weight, its shape and the limit.
   */
  void checkSize(long heapBytes) {
    long total = parameterCount();
    if (total == 0) return;
    WeightSpec largest = null;
    for (WeightSpec w : weights()) if (largest == null || w.shape().size() > largest.shape().size()) largest = w;
    long bytes = total > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : total * elementBytes();
    long javaBytes = total > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : total * 8;
    String what = null;
    if (bytes > Checks.MAX_MODEL_BYTES) {
      what = String.format("%,d bytes as %s, more than the limit of %,d (16 GiB)", bytes, input.dtype(), Checks.MAX_MODEL_BYTES);
    } else if (javaBytes > heapBytes) {
      what = String.format("%,d bytes as Java doubles when initialised, more than this JVM's maximum heap of %,d"
          + " (raise it with -Xmx in TFGRAPH_JAVA_OPTS)", javaBytes, heapBytes);
    }
    if (what != null) {
      throw new BadInputException(String.format("model '%s': %,d parameters take %s; the largest weight is %s %s"
          + " (%,d elements, layer %s)", name, total, what, largest.key(), Checks.show(largest.shape().asArray()),
          largest.shape().size(), layer(largest.layer()).where()));
    }
  }

  /** Every weight's elements, summed exactly (each weight was bounded when declared). */
  public long parameterCount() {
    long n = 0;
    try {
      for (WeightSpec w : weights()) n = Math.addExact(n, w.shape().size());
    } catch (ArithmeticException e) {
      throw new BadInputException("model '" + name + "': more than 2^63 parameters in all");
    }
    return n;
  }

  public List<WeightSpec> weights() {
    List<WeightSpec> all = new ArrayList<>();
    for (Layer l : layers) all.addAll(l.weights());
    return all;
  }

  public Layer layer(String layerName) {
    for (Layer l : layers) if (l.name().equals(layerName)) return l;
    throw new BadInputException("model '" + name + "' has no layer \"" + layerName + "\"");
  }

  /** The contract's JSON spec. */
  public String config() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format_version", FORMAT_VERSION);
    m.put("name", name);
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("name", input.name());
    List<Object> shape = new ArrayList<>();
    for (long d : input.shape().asArray()) shape.add(d < 0 ? null : d);
    in.put("shape", shape);
    in.put("dtype", input.dtype());
    m.put("input", in);
    if (labels != null) m.put("labels", labels);
    List<Object> ls = new ArrayList<>();
    for (Layer l : layers) ls.add(l.config());
    m.put("layers", ls);
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A spec from JSON text, parsed within {@link BoundedJson}'s limits. */
  public static Model fromConfig(String json) {
    return fromConfig(BoundedJson.parse(json, "spec"));
  }

  public static Model fromConfig(JsonNode root) {
    ConfigReader r = new ConfigReader(root, "spec");
    int version = r.integer("format_version", FORMAT_VERSION);
    if (version > FORMAT_VERSION || version < 1) {
      throw new BadInputException("spec: format_version " + version + " is not supported; this tfgraph reads format_version "
          + FORMAT_VERSION + (version > FORMAT_VERSION ? " (the spec was written by a newer tfgraph)" : ""));
    }
    String name = r.string("name", "model");
    r.known("input", "labels", "layers");
    JsonNode in = root.get("input");
    if (in == null) throw new BadInputException("spec: input is required, e.g. {\"name\": \"x\", \"shape\": [null, 8], \"dtype\": \"float32\"}");
    ConfigReader ir = new ConfigReader(in, "spec.input");
    String inputName = ir.string("name", "x");
    JsonNode shapeNode = in.get("shape");
    ir.known("shape");
    if (shapeNode == null || !shapeNode.isArray() || shapeNode.size() < 2) {
      throw new BadInputException("spec.input: shape must be a list like [null, 28, 28, 1], received " + shapeNode);
    }
    long[] dims = new long[shapeNode.size()];
    for (int i = 0; i < dims.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (i == 0 && d.isNull()) dims[i] = -1;
      else if (i > 0 && d.isIntegralNumber() && d.asLong() > 0 && d.asLong() < (1L << 31)) dims[i] = d.asLong();
      else throw new BadInputException("spec.input: shape must be [null, positive integers...], received " + shapeNode);
    }
    String dtype = ir.string("dtype", "float32");
    ir.finish();
    List<String> labels = null;
    JsonNode ln = root.get("labels");
    if (ln != null && !ln.isNull()) {
      if (!ln.isArray()) throw new BadInputException("spec: labels must be a list of strings, received " + ln);
      labels = new ArrayList<>();
      for (JsonNode l : ln) {
        if (!l.isTextual()) throw new BadInputException("spec: labels must be a list of strings, received " + ln);
        labels.add(l.asText());
      }
    }
    JsonNode layersNode = root.get("layers");
    if (layersNode == null || !layersNode.isArray()) {
      throw new BadInputException("spec: layers must be a list of layer objects, received " + layersNode);
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < layersNode.size(); i++) layers.add(LayerRegistry.fromConfig(layersNode.get(i), "layers[" + i + "]"));
    r.finish();
    return new Model(name, new InputSpec(inputName, Shape.of(dims), dtype), labels, layers);
  }

  /** A spec file of at most {@link BoundedJson#MAX_FILE_BYTES}. */
  public static Model load(Path specFile) {
    return fromConfig(BoundedJson.read(specFile, BoundedJson.MAX_FILE_BYTES, "spec " + specFile));
  }

  /** A Keras-like table: layer (type), output shape, parameter count. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    String line = "-".repeat(72) + "\n";
    sb.append("Model: \"").append(name).append("\"\n").append(line);
    sb.append(String.format("%-36s %-22s %12s%n", "Layer (type)", "Output Shape", "Param #"));
    sb.append(line.replace('-', '='));
    long total = 0, trainable = 0;
    for (Layer l : layers) {
      long n = 0;
      for (WeightSpec w : l.weights()) {
        n = Math.addExact(n, w.shape().size());
        if (w.trainable()) trainable = Math.addExact(trainable, w.shape().size());
      }
      total = Math.addExact(total, n);
      sb.append(String.format("%-36s %-22s %12d%n", l.name() + " (" + l.type() + ")", Shapes.show(l.outputShape()), n));
    }
    sb.append(line.replace('-', '='));
    sb.append(String.format("Total params: %,d%nTrainable params: %,d%nNon-trainable params: %,d%n", total, trainable, total - trainable));
    return sb.toString();
  }
}
