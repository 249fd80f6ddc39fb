package dev.tfgraph.testkit;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * One layer alone in a one-layer model: its {@link ModelGraph} (the weights' variables and the ops
 * that load them, as every model has) and a {@link ModelRuntime} on it; input x of a fixed shape,
 * y = the layer's output (in training mode: a training pass with a fixed seed), and L = Σ g·y for
 * an upstream gradient g. Gives y, L, and the gradients of L with respect to x and every trainable
 * weight by {@code addGradients}; in float64 these are checked against central finite differences
 * of L. {@link LayerCheck} and the project's golden layer tests both run on it.
 */
public class LayerGraph implements AutoCloseable {
  /** The model input's name: a name no layer of a check is expected to take. */
  static final String INPUT = "layer_graph_input";

  /** The layer under test, built by the constructor. */
  public final Layer layer;
  /** The one-layer model's graph: the weights' variables and the ops that load them. */
  public final ModelGraph model;
  /** The session on {@link #model}; closed by {@link #close()}. */
  public final ModelRuntime runtime;
  /** The TF graph of {@link #model}. */
  public final Graph graph;
  /** The ops of {@link #graph}. */
  public final Ops tf;
  /** The session of {@link #runtime}. */
  public final Session session;
  /** The float type: TFloat32 or TFloat64 (use float64 for gradient checks). */
  public final Class<? extends TNumber> type;
  /** The shape of the x fed, batch axis included, e.g. {2, 5, 5, 3}. */
  public final long[] xShape;
  /** The shape of y for x of {@link #xShape} (the batch axis is x's). */
  public final long[] yShape;
  /** The input placeholder x, of {@link #xShape}. */
  public final Placeholder<? extends TNumber> x;
  /** The upstream gradient placeholder g, of {@link #yShape}. */
  public final Placeholder<? extends TNumber> g;
  /** The layer's output y: in training mode, a training pass with the fixed seed {1, 2}. */
  public final Operand<? extends TNumber> y;
  /** L = Σ g·y, a scalar. */
  public final Operand<? extends TNumber> loss;
  /** Variables by weight key ({@code layer.weight}): the model graph's. */
  public final Map<String, Variable<? extends TType>> vars;
  /** Update ops the call asked for in training mode (e.g. moving statistics). */
  public final List<Operation> updates;
  private Output<?>[] grads;

  /**
   * Builds {@code layer} (not yet built) for {@code inputShape} (batch −1) and feeds x of {@code xShape}.
   *
   * @param layer the layer, not yet built
   * @param inputShape the input shape with batch axis -1, e.g. [-1, 5, 5, 3]
   * @param xShape the shape of the x fed, batch included, e.g. {2, 5, 5, 3}
   * @param type TFloat32 or TFloat64
   * @param training true for y in training mode (dropout on, batch statistics)
   * @throws dev.tfgraph.graph.BadInputException when the layer does not accept the input shape
   * @throws IllegalArgumentException when the type is neither float type
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public LayerGraph(Layer layer, Shape inputShape, long[] xShape, Class<? extends TNumber> type, boolean training) {
    this.layer = layer;
    this.type = type;
    this.xShape = xShape.clone();
    Functional f = Model.functional("layer_graph").dtype(dtype(type));
    long[] example = new long[inputShape.numDimensions() - 1];
    for (int i = 0; i < example.length; i++) example[i] = inputShape.get(i + 1);
    model = ModelGraph.inference(f.build(layer.on(f.input(INPUT, example))));
    graph = model.graph();
    tf = model.tf();
    x = model.input();
    vars = model.variables();
    if (training) {
      ModelGraph.TrainingPass pass = model.addTrainingPass(tf, model.inputs(), tf.constant(new long[] {1, 2}), null);
      y = pass.output();
      updates = pass.updates();
    } else {
      y = model.output();
      updates = List.of();
    }
    long[] out = model.model().outputShape().asArray();
    out[0] = xShape[0];
    yShape = out;
    g = tf.placeholder(model.type(), Placeholder.shape(Shape.of(yShape)));
    int[] axes = new int[yShape.length];
    for (int i = 0; i < axes.length; i++) axes[i] = i;
    loss = tf.reduceSum(tf.math.mul((Operand) y, (Operand) g), tf.constant(axes));
    runtime = ModelRuntime.open(model, null);
    session = runtime.session();
  }

  private static String dtype(Class<? extends TNumber> type) {
    if (type == TFloat64.class) return "float64";
    if (type == TFloat32.class) return "float32";
    throw new IllegalArgumentException("LayerGraph: type " + type.getSimpleName() + ", expected TFloat32 or TFloat64");
  }

  /**
   * Sets every weight, by weight name (e.g. "kernel"), through the runtime.
   *
   * @param byName every weight's values by weight name, row-major in the weight's shape
   * @throws IllegalArgumentException when a weight's value is missing
   */
  public void setWeights(Map<String, double[]> byName) {
    if (layer.weights().isEmpty()) return;
    Map<String, NpyArray> byKey = new LinkedHashMap<>();
    for (WeightSpec w : layer.weights()) {
      double[] v = byName.get(w.name());
      if (v == null) throw new IllegalArgumentException(layer.where() + ": no value given for weight " + w.name());
      byKey.put(w.key(), NpyArray.ofDoubles(w.shape().asArray(), v));
    }
    runtime.setWeights(byKey);
  }

  /**
   * Each weight's initial value from its initializer (as {@link ModelRuntime#initialValues} draws it), by weight name.
   *
   * @param seed the initializers' seed
   * @return every weight's values by weight name, row-major in the weight's shape
   */
  public Map<String, double[]> initialWeights(long seed) {
    Map<String, NpyArray> byKey = runtime.initialValues(seed);
    Map<String, double[]> out = new LinkedHashMap<>();
    for (WeightSpec w : layer.weights()) out.put(w.name(), byKey.get(w.key()).toDoubles());
    return out;
  }

  /**
   * y = the layer's output at this input.
   *
   * @param input x's values, row-major in {@link #xShape}
   * @return y's values, row-major in {@link #yShape}
   */
  public double[] forward(double[] input) {
    try (Tensor xt = Tensors.of(type, Shape.of(xShape), input);
        Result r = session.runner().feed(x, xt).fetch(y).run()) {
      return Tensors.toDoubles(r.get(0));
    }
  }

  /**
   * L = Σ g·y at this input.
   *
   * @param input x's values, row-major in {@link #xShape}
   * @param upstream g's values, row-major in {@link #yShape}
   * @return L
   */
  public double loss(double[] input, double[] upstream) {
    try (Tensor xt = Tensors.of(type, Shape.of(xShape), input);
        Tensor gt = Tensors.of(type, Shape.of(yShape), upstream);
        Result r = session.runner().feed(x, xt).feed(g, gt).fetch(loss).run()) {
      return Tensors.scalar(r.get(0));
    }
  }

  /**
   * Gradients of L by addGradients: "x" and each trainable weight by name (zeros where L does not depend on it).
   *
   * @param input x's values, row-major in {@link #xShape}
   * @param upstream g's values, row-major in {@link #yShape}
   * @return "x" and each trainable weight's name to its gradient, row-major in its shape
   */
  public Map<String, double[]> gradients(double[] input, double[] upstream) {
    List<String> names = new ArrayList<>();
    List<Output<?>> xs = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    names.add("x");
    xs.add(x.asOutput());
    sizes.add(Shape.of(xShape).size());
    for (WeightSpec w : layer.weights()) {
      if (!w.trainable()) continue;
      names.add(w.name());
      xs.add(vars.get(w.key()).asOutput());
      sizes.add(w.shape().size());
    }
    if (grads == null) grads = graph.addGradients(loss.asOutput(), xs.toArray(new Output<?>[0]));
    try (Tensor xt = Tensors.of(type, Shape.of(xShape), input);
        Tensor gt = Tensors.of(type, Shape.of(yShape), upstream)) {
      return InboundGraph.fetchGradients(session.runner().feed(x, xt).feed(g, gt), grads, names, i -> Math.toIntExact(sizes.get(i)));
    }
  }

  /**
   * Central finite difference of L along direction d in x: {fd, analytic} with analytic = Σ grad·d.
   *
   * @param x0 the point, row-major in {@link #xShape}
   * @param upstream g's values
   * @param grad the analytic gradient of L in x at x0
   * @param d the direction, of x0's length
   * @param h the step: (L(x0 + h·d) − L(x0 − h·d)) / 2h
   * @return {finite difference, analytic directional derivative}
   */
  public double[] directional(double[] x0, double[] upstream, double[] grad, double[] d, double h) {
    return FiniteDifferences.central(x0, grad, d, h, x -> loss(x, upstream));
  }

  /**
   * The same along direction d in one weight; the weights are restored to {@code weights} after.
   *
   * @param weights every weight's values by name, the point of the check
   * @param weight the weight moved
   * @param x0 the input, row-major in {@link #xShape}
   * @param upstream g's values
   * @param grad the analytic gradient of L in the weight
   * @param d the direction, of the weight's length
   * @param h the step
   * @return {finite difference, analytic directional derivative}
   */
  public double[] directionalWeight(Map<String, double[]> weights, String weight, double[] x0, double[] upstream,
      double[] grad, double[] d, double h) {
    Map<String, double[]> w = new LinkedHashMap<>(weights);
    double[] fd = FiniteDifferences.central(weights.get(weight), grad, d, h, v -> {
      w.put(weight, v);
      setWeights(w);
      return loss(x0, upstream);
    });
    setWeights(weights);
    return fd;
  }

  /**
   * A random direction in [−1, 1)^n; symmetrised over the last two axes when {@code symmetric}.
   *
   * @param n the number of values
   * @param shape their shape, for the symmetrisation
   * @param seed the generator's seed
   * @param symmetric true to make it symmetric in the last two axes (e.g. a symmetric matrix weight)
   * @return the direction
   */
  public static double[] direction(int n, long[] shape, long seed, boolean symmetric) {
    return FiniteDifferences.direction(n, shape, seed, symmetric);
  }

  /**
   * |got − want| ≤ tol·max(1, |want|) elementwise, every value finite; the worst element named on failure.
   *
   * @param want the expected values
   * @param got the computed values
   * @param tol the relative tolerance
   * @param what what is compared, for the message
   * @throws AssertionError when the lengths differ, a value is not finite, or an element is off
   */
  public static void assertClose(double[] want, double[] got, double tol, String what) {
    FiniteDifferences.assertClose(want, got, tol, what);
  }

  @Override
  public void close() {
    runtime.close();
  }
}
