package dev.tfgraph.layers.prototype;

import dev.tfgraph.layers.reshaping.Flatten;
import dev.tfgraph.graph.model.Adaptable;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Initializer;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * An RBF-like layer over fixed prototype rows: d = (x_i − P_ki)/c_i, f = exp(−d²) ("gaussian"),
 * exp(−|d|) ("laplacian") or exp(d) ("exp", the seed's literal form), z_k = bias_k + Σ_i kernel_ki·f.
 * Prototypes and scale are non-trainable and come from a weights file or from {@link #adapt};
 * kernel starts at 1/n, so an untrained layer scores mean similarity to each prototype.
 */
public final class PrototypeKernel extends Layer implements Adaptable {
  /** The accepted values of kernel. */
  public static final List<String> KERNELS = List.of("gaussian", "laplacian", "exp");
  /** The accepted values of selection, how {@link #adapt} picks the prototypes. */
  public static final List<String> SELECTIONS = List.of("per_class_random", "per_class_kmeans");
  /** kernel when the spec gives none: "gaussian". */
  public static final String DEFAULT_KERNEL = "gaussian";
  /** selection when the spec gives none: "per_class_random". */
  public static final String DEFAULT_SELECTION = "per_class_random";
  /** seed when the spec gives none: 0, the seed of the prototype selection. */
  public static final int DEFAULT_SEED = 0;
  private final int units;
  private final String kernelType;
  private final String selection;
  private final long seed;
  private WeightSpec prototypes, scale, kernel, bias;
  private long features;

  /**
   * A prototype kernel layer: [batch, n] to [batch, units].
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param units the output scores, one per prototype, in [1, 2^24]
   * @param kernel one of {@link #KERNELS}
   * @param selection one of {@link #SELECTIONS}
   * @param seed the seed of the prototype selection
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is not valid
   */
  public PrototypeKernel(String name, int units, String kernel, String selection, long seed, boolean trainable) {
    super(name, trainable);
    this.units = Checks.between(where(), "units", units, 1, Checks.MAX_UNITS);
    this.kernelType = Checks.oneOf(where(), "kernel", kernel, KERNELS);
    this.selection = Checks.oneOf(where(), "selection", selection, SELECTIONS);
    this.seed = seed;
  }

  /**
   * A gaussian prototype kernel layer, prototypes picked at random per class with seed 0.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param units the output scores, one per prototype, in [1, 2^24]
   * @throws dev.tfgraph.graph.BadInputException if the name or units is not valid
   */
  public PrototypeKernel(String name, int units) {
    this(name, units, DEFAULT_KERNEL, DEFAULT_SELECTION, DEFAULT_SEED, true);
  }

  @Override public String type() { return "PrototypeKernel"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static PrototypeKernel parse(ConfigReader c, String name, boolean trainable) {
    return new PrototypeKernel(name, c.integer("units", null), c.string("kernel", DEFAULT_KERNEL),
        c.string("selection", DEFAULT_SELECTION), c.integer("seed", DEFAULT_SEED), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("units", units);
    out.put("kernel", kernelType);
    out.put("selection", selection);
    out.put("seed", seed);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 2, "[batch, features] (put a Flatten before PrototypeKernel)");
    features = input.get(1);
    // d and f are [batch, units, n]
    Checks.activation(where(), "distances", new long[] {units, features}, "units or the input features");
    prototypes = addWeight("prototypes", new long[] {units, features}, false, Initializer.zeros(), "units or the input features");
    scale = addWeight("scale", new long[] {features}, false, Initializer.ones());
    kernel = addWeight("kernel", new long[] {units, features}, true, Initializer.constant(1.0 / features),
        "units or the input features");
    bias = addWeight("bias", new long[] {units}, true, Initializer.zeros());
    return Shapes.batchOf(units);
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return prototype(tf, x, ctx.read(tf, prototypes, x.type()), ctx.read(tf, scale, x.type()),
        ctx.read(tf, kernel, x.type()), ctx.read(tf, bias, x.type()), kernelType);
  }

  /** The formula of docs/layers.md: x [b, n], prototypes and kernel [m, n], scale [n], bias [m]. */
  static <T extends TNumber> Operand<T> prototype(Ops tf, Operand<T> x, Operand<T> protos, Operand<T> c,
      Operand<T> kernel, Operand<T> bias, String kind) {
    Operand<T> d = tf.math.div(tf.math.sub(tf.expandDims(x, tf.constant(1)), protos), c);   // [b, m, n]
    Operand<T> f = switch (kind) {
      case "laplacian" -> tf.math.exp(tf.math.neg(tf.math.abs(d)));
      case "exp" -> tf.math.exp(d);
      default -> tf.math.exp(tf.math.neg(tf.math.square(d)));
    };
    return tf.math.add(tf.reduceSum(tf.math.mul(kernel, f), tf.constant(-1)), bias);       // [b, m]
  }

  /** Prototypes: units/numClasses rows per class (seeded); scale: per-feature std floored at 1e-3. */
  @Override
  public Map<String, double[]> adapt(float[] x, int n, int[] y, int numClasses) {
    if (units < numClasses || units % numClasses != 0) {
      throw new BadInputException(where() + ": units must be a positive multiple of the number of classes ("
          + numClasses + ") to take the same number of prototypes per class, received " + units);
    }
    int f = (int) features;
    double[] protos = ("per_class_kmeans".equals(selection) ? new PrototypeSelection(seed).kmeans(x, n, f, y, numClasses, units / numClasses)
        : new PrototypeSelection(seed).random(x, n, f, y, numClasses, units / numClasses));
    return Map.of("prototypes", protos, "scale", PrototypeSelection.std(x, n, f, 1e-3));
  }
}
