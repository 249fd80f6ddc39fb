package dev.tfgraph.testkit;

import dev.tfgraph.graph.model.Functional;
import dev.tfgraph.graph.runtime.Gradients;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.Node;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.WeightSpec;
import dev.tfgraph.graph.io.NpyArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TNumber;

/**
 * A layer of several inbound tensors alone in a float64 model of inputs x0..x(k−1): L = Σ g·y,
 * its value, and its gradients with respect to every input and every trainable weight by
 * {@code addGradients}; what {@link LayerCheck} checks against central finite differences when a
 * layer takes more than one input.
 */
public final class InboundGraph implements AutoCloseable {
  final ModelGraph mg;
  final ModelRuntime rt;
  final List<long[]> shapes;   // with the batch axis
  final long[] outShape;
  final List<String> names = new ArrayList<>();   // "x0".., then trainable weight keys
  private final Placeholder<? extends TNumber> g;
  private final Operand<? extends TNumber> loss;
  private final Output<?>[] grads;

  /**
   * {@code layer} on inputs of {@code exampleShapes} (no batch axis), {@code batch} rows each, in {@code dtype}.
   * The inputs are named x0, x1, ...; L = Σ g·y for an upstream gradient g of the output's shape.
   *
   * @param layer the layer, not yet built
   * @param exampleShapes each input's shape without the batch axis, in inbound order
   * @param batch rows of each input fed
   * @param dtype "float32" or "float64"
   * @throws dev.tfgraph.graph.BadInputException when the layer does not accept the inputs
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public InboundGraph(Layer layer, List<long[]> exampleShapes, int batch, String dtype) {
    Functional f = Model.functional("inbound").dtype(dtype);
    Node[] in = new Node[exampleShapes.size()];
    shapes = new ArrayList<>();
    for (int i = 0; i < in.length; i++) {
      in[i] = f.input("x" + i, exampleShapes.get(i));
      long[] s = new long[exampleShapes.get(i).length + 1];
      s[0] = batch;
      System.arraycopy(exampleShapes.get(i), 0, s, 1, s.length - 1);
      shapes.add(s);
      names.add("x" + i);
    }
    mg = ModelGraph.inference(f.build(layer.on(in)));
    long[] o = mg.model().outputShape().asArray();
    o[0] = batch;
    outShape = o;
    g = mg.tf().placeholder(mg.type(), Placeholder.shape(Shape.of(outShape)));
    int[] axes = new int[outShape.length];
    for (int i = 0; i < axes.length; i++) axes[i] = i;
    loss = mg.tf().reduceSum(mg.tf().math.mul((Operand) mg.output(), (Operand) g), mg.tf().constant(axes));
    List<Output<?>> xs = new ArrayList<>();
    for (var p : mg.inputs()) xs.add(p.asOutput());
    for (WeightSpec w : mg.model().weights()) {
      if (!w.trainable()) continue;
      names.add(w.key());
      xs.add(mg.variables().get(w.key()).asOutput());
    }
    grads = mg.graph().addGradients(loss.asOutput(), xs.toArray(new Output<?>[0]));
    rt = ModelRuntime.open(mg, null);   // once the whole graph is built
  }

  /**
   * Sets the layer's weights.
   *
   * @param w every weight by key ({@code <layer>.<weight>}), shaped as declared
   * @throws dev.tfgraph.graph.BadInputException when a weight is missing or misshapen
   */
  public void setWeights(Map<String, NpyArray> w) {
    rt.setWeights(w);
  }

  /**
   * The layer's output y on {@code xs} (one row-major array per input).
   *
   * @param xs one row-major array per input, of its shape with {@code batch} rows
   * @return y, row-major in the output's shape with {@code batch} rows
   */
  public double[] forward(List<double[]> xs) {
    List<Tensor> keep = new ArrayList<>();
    try (Result r = feed(xs, new double[Math.toIntExact(Shape.of(outShape).size())], keep).fetch(mg.output()).run()) {
      return Tensors.toDoubles(r.get(0));
    } finally {
      keep.forEach(Tensor::close);
    }
  }

  /**
   * L = Σ g·y on {@code xs}, with g = {@code upstream}.
   *
   * @param xs one row-major array per input
   * @param upstream g, row-major in the output's shape
   * @return L
   */
  public double loss(List<double[]> xs, double[] upstream) {
    List<Tensor> keep = new ArrayList<>();
    try (Result r = feed(xs, upstream, keep).fetch(loss).run()) {
      return Tensors.scalar(r.get(0));
    } finally {
      keep.forEach(Tensor::close);
    }
  }

  /**
   * The gradient of L by name ("x0".., weight keys); zeros where L does not depend on it.
   *
   * @param xs one row-major array per input
   * @param upstream g, row-major in the output's shape
   * @param weights the weights set, by key (their sizes size the gradients)
   * @return "x0", "x1", ... and each trainable weight's key to its gradient, row-major
   */
  public Map<String, double[]> gradients(List<double[]> xs, double[] upstream, Map<String, NpyArray> weights) {
    List<Tensor> keep = new ArrayList<>();
    try {
      return fetchGradients(feed(xs, upstream, keep), grads, names,
          i -> i < xs.size() ? xs.get(i).length : Math.toIntExact(weights.get(names.get(i)).size()));
    } finally {
      keep.forEach(Tensor::close);
    }
  }

  /**
   * Runs {@code r} fetching every gradient once (one output may be the gradient of several), by
   * name in {@code names}' order; zeros of {@code size.applyAsInt(i)} values where L does not depend on it.
   */
  static Map<String, double[]> fetchGradients(Session.Runner r, Output<?>[] grads, List<String> names, IntUnaryOperator size) {
    List<String> fetched = new ArrayList<>();
    for (Output<?> o : grads) {
      if (Gradients.isNone(o)) continue;   // no gradient: its Output belongs to no live graph
      String n = o.op().name() + ":" + o.index();
      if (!fetched.contains(n)) {
        fetched.add(n);
        r.fetch(o);
      }
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    try (Result res = r.run()) {
      for (int i = 0; i < grads.length; i++) {
        Output<?> o = grads[i];
        int at = Gradients.isNone(o) ? -1 : fetched.indexOf(o.op().name() + ":" + o.index());
        out.put(names.get(i), at >= 0 ? Tensors.toDoubles(res.get(at)) : new double[size.applyAsInt(i)]);
      }
    }
    return out;
  }

  private Session.Runner feed(List<double[]> xs, double[] upstream, List<Tensor> keep) {
    Session.Runner r = rt.session().runner();
    for (int i = 0; i < xs.size(); i++) {
      Tensor t = Tensors.of(mg.type(), Shape.of(shapes.get(i)), xs.get(i));
      keep.add(t);
      r.feed(mg.inputs().get(i), t);
    }
    Tensor gt = Tensors.of(mg.type(), Shape.of(outShape), upstream);
    keep.add(gt);
    return r.feed(g, gt);
  }

  @Override
  public void close() {
    rt.close();
  }
}
