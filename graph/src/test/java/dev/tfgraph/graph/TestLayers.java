package dev.tfgraph.graph;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Layer types for the tests of the graph and export modules (the real layers live in the layers module,
 * whose tests depend on both): a trainable weight, a kernel and bias, a training-only switch, a
 * non-trainable weight updated in training, and noise drawn from the step's seed.
 */
public final class TestLayers implements LayerFactory {
  /** y = x · scale (one weight [n]), with an optional L2 penalty l2 · Σ scale²; "width" changes nothing but is validated. */
  public static final class Scale extends Layer {
    private final int width;
    private final double l2;
    private WeightSpec scale;

    public Scale(String name, int width, boolean trainable) {
      this(name, width, 0, trainable);
    }

    public Scale(String name, int width, double l2, boolean trainable) {
      super(name, trainable);
      this.width = Checks.positive(where(), "width", width);
      this.l2 = l2;
    }

    @Override public String type() { return "Scale"; }

    @Override
    protected void writeConfig(Map<String, Object> out) {
      out.put("width", width);
      if (l2 != 0) out.put("l2", l2);
    }

    @Override
    protected Shape computeBuild(Shape input) {
      requireRank(input, 2, "[batch, features]");
      if (input.get(1) != width) {
        throw new BadInputException(where() + ": expected " + width + " features, received shape " + Shapes.show(input));
      }
      scale = addWeight("scale", new long[] {width}, true, Initializer.ones());
      return input;
    }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      return tf.math.mul(x, ctx.read(tf, scale, x.type()));
    }

    @Override
    public <T extends TNumber> Operand<T> regularization(Ops tf, CallContext ctx, Class<T> type) {
      if (l2 == 0) return null;
      Operand<T> w = ctx.read(tf, scale, type);
      return tf.math.mul(tf.dtypes.cast(tf.constant(l2), type), tf.reduceSum(tf.math.square(w), tf.constant(0)));
    }
  }

  /** y = act(flatten(x) · kernel + bias), act one of linear, relu, tanh, sigmoid, softmax (a last softmax or sigmoid gives its logits to the loss). */
  public static final class Affine extends Layer implements dev.tfgraph.graph.model.Activated {
    private final int units;
    private final String activation;
    private WeightSpec kernel;
    private WeightSpec bias;

    public Affine(String name, int units, String activation, boolean trainable) {
      super(name, trainable);
      this.units = Checks.positive(where(), "units", units);
      if (!java.util.List.of("linear", "relu", "tanh", "sigmoid", "softmax").contains(activation)) {
        throw new BadInputException(where() + ": activation must be linear, relu, tanh, sigmoid or softmax, received \"" + activation + "\"");
      }
      this.activation = activation;
    }

    @Override public String type() { return "Affine"; }

    @Override
    protected void writeConfig(Map<String, Object> out) {
      out.put("units", units);
      out.put("activation", activation);
    }

    @Override
    protected Shape computeBuild(Shape input) {
      long features = 1;
      for (int i = 1; i < input.numDimensions(); i++) features *= input.get(i);
      kernel = addWeight("kernel", new long[] {features, units}, true, Initializer.glorotUniform());
      bias = addWeight("bias", new long[] {units}, true, Initializer.zeros());
      return Shape.of(input.get(0), units);
    }

    @Override public String activation() { return activation; }

    @Override
    public <T extends TNumber> Operand<T> callLinear(Ops tf, Operand<T> x, CallContext ctx) {
      Operand<T> flat = tf.reshape(x, tf.constant(new long[] {-1, kernel.shape().get(0)}));
      return tf.math.add(tf.linalg.matMul(flat, ctx.read(tf, kernel, x.type())), ctx.read(tf, bias, x.type()));
    }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      Operand<T> y = callLinear(tf, x, ctx);
      return switch (activation) {
        case "relu" -> tf.nn.relu(y);
        case "tanh" -> tf.math.tanh(y);
        case "sigmoid" -> tf.math.sigmoid(y);
        case "softmax" -> tf.nn.softmax(y);
        default -> y;
      };
    }
  }

  /** y = x / 2 in training, x at inference: an export must hold the inference branch. */
  public static final class Halve extends Layer {
    public Halve(String name, boolean trainable) {
      super(name, trainable);
    }

    @Override public String type() { return "Halve"; }

    @Override protected void writeConfig(Map<String, Object> out) { }

    @Override protected Shape computeBuild(Shape input) { return input; }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      return ctx.training() ? tf.math.mul(x, tf.dtypes.cast(tf.constant(0.5), x.type())) : x;
    }
  }

  /** y = x · (1 + u), u uniform in [0, 1) drawn from the step's seed in training; x at inference (a seeded Dropout's stand-in). */
  public static final class Noise extends Layer {
    public Noise(String name, boolean trainable) {
      super(name, trainable);
    }

    @Override public String type() { return "Noise"; }

    @Override protected void writeConfig(Map<String, Object> out) { }

    @Override protected Shape computeBuild(Shape input) { return input; }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      if (!ctx.training()) return x;
      Operand<T> u = tf.stopGradient(tf.random.statelessRandomUniform(tf.shape(x), ctx.seed(tf, name().hashCode()), x.type()));
      return tf.math.mul(x, tf.math.add(u, tf.dtypes.cast(tf.constant(1.0), x.type())));
    }
  }

  /** y = x − mean, where mean (not trainable) moves 10% toward each training batch's mean. */
  public static final class Center extends Layer {
    private WeightSpec mean;

    public Center(String name, boolean trainable) {
      super(name, trainable);
    }

    @Override public String type() { return "Center"; }

    @Override protected void writeConfig(Map<String, Object> out) { }

    @Override
    protected Shape computeBuild(Shape input) {
      requireRank(input, 2, "[batch, features]");
      mean = addWeight("mean", new long[] {input.get(1)}, false, Initializer.zeros());
      return input;
    }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
      Operand<T> m = ctx.read(tf, mean, x.type());
      org.tensorflow.op.math.Sub<T> y = tf.math.sub(x, m);
      if (ctx.training()) {   // the update waits for the output: the step reads the mean before it moves
        Operand<T> batch = tf.math.mean(x, tf.constant(0));
        Operand<T> moved = tf.math.add(m, tf.math.mul(tf.math.sub(batch, m), tf.dtypes.cast(tf.constant(0.1), x.type())));
        org.tensorflow.op.core.Variable<T> v = ctx.variable(mean);
        ctx.addUpdate(tf.withControlDependencies(java.util.List.of(y)).assign(v, moved));
      }
      return y;
    }
  }

  /** y = x0 · x1 (element-wise, two inputs of one shape). */
  public static final class Product extends MergeLayer {
    public Product(String name) {
      super(name, true);
    }

    @Override public String type() { return "Product"; }

    @Override protected void writeConfig(Map<String, Object> out) { }

    @Override
    public <T extends TNumber> Operand<T> call(Ops tf, java.util.List<Operand<T>> in, CallContext ctx) {
      return tf.math.mul(in.get(0), in.get(1));
    }
  }

  @Override
  public Map<String, Parser> parsers() {
    return Map.of(
        "Scale", (c, n, t) -> new Scale(n, c.integer("width", null), c.number("l2", 0.0), t),
        "Affine", (c, n, t) -> new Affine(n, c.integer("units", null), c.string("activation", "linear"), t),
        "Halve", (c, n, t) -> new Halve(n, t),
        "Noise", (c, n, t) -> new Noise(n, t),
        "Center", (c, n, t) -> new Center(n, t),
        "Product", (c, n, t) -> new Product(n));
  }
}
