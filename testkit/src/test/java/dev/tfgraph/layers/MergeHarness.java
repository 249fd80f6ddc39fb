package dev.tfgraph.layers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.Functional;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.Model;
import dev.tfgraph.graph.ModelGraph;
import dev.tfgraph.graph.Node;
import dev.tfgraph.graph.Tensors;
import dev.tfgraph.graph.data.Npz;
import dev.tfgraph.graph.data.NpyArray;
import dev.tfgraph.testkit.LayerGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.family.TNumber;

/**
 * A merge layer alone in a graph model of k inputs x0..x(k−1), on a golden case from
 * testdata/graphs (gen_graphs.py): forward, the gradients of L = Σ g·y with respect to every
 * input by addGradients, and L itself for central finite differences.
 */
final class MergeHarness implements AutoCloseable {
  static final Path DIR = Path.of("..", "testdata", "graphs");
  final Map<String, NpyArray> data;
  final int k;
  final ModelGraph mg;
  private final Placeholder<? extends TNumber> g;
  private final Operand<? extends TNumber> loss;
  private final Output<?>[] grads;

  @SuppressWarnings({"unchecked", "rawtypes"})
  MergeHarness(String name, String dtype) {
    JsonNode json;
    try {
      json = Configs.JSON.readTree(Files.readString(DIR.resolve(name + ".json")));
    } catch (IOException e) {
      throw new IllegalStateException("golden case " + name + " missing: run testdata/graphs/gen_graphs.py", e);
    }
    data = Npz.read(DIR.resolve(name + ".npz"));
    k = json.get("inputs").asInt();
    Functional f = Model.functional("merge").dtype(dtype);
    Node[] in = new Node[k];
    for (int i = 0; i < k; i++) {
      long[] s = data.get("x" + i).shape();
      in[i] = f.input("x" + i, Arrays.copyOfRange(s, 1, s.length));
    }
    Layer layer = LayerRegistry.fromConfig(json.get("layer"), name);
    mg = ModelGraph.inference(f.build(layer.on(in)));
    g = mg.tf().placeholder(mg.type(), Placeholder.shape(Shape.of(data.get("y").shape())));
    int rank = data.get("y").shape().length;
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) axes[i] = i;
    loss = mg.tf().reduceSum(mg.tf().math.mul((Operand) mg.output(), (Operand) g), mg.tf().constant(axes));
    Output<?>[] xs = new Output<?>[k];
    for (int i = 0; i < k; i++) xs[i] = mg.inputs().get(i).asOutput();
    grads = mg.graph().addGradients(loss.asOutput(), xs);
  }

  double[] x(int i) {
    return data.get("x" + i).toDoubles();
  }

  private Session.Runner feed(List<double[]> xs, List<Tensor> keep) {
    Session.Runner r = mg.session().runner();
    for (int i = 0; i < k; i++) {
      Tensor t = Tensors.of(mg.type(), Shape.of(data.get("x" + i).shape()), xs.get(i));
      keep.add(t);
      r.feed(mg.inputs().get(i), t);
    }
    Tensor gt = Tensors.of(mg.type(), Shape.of(data.get("y").shape()), data.get("g").toDoubles());
    keep.add(gt);
    return r.feed(g, gt);
  }

  private List<double[]> inputs() {
    List<double[]> xs = new ArrayList<>();
    for (int i = 0; i < k; i++) xs.add(x(i));
    return xs;
  }

  double[] forward() {
    List<Tensor> keep = new ArrayList<>();
    try (Result r = feed(inputs(), keep).fetch(mg.output()).run()) {
      return Tensors.toDoubles(r.get(0));
    } finally {
      keep.forEach(Tensor::close);
    }
  }

  double loss(List<double[]> xs) {
    List<Tensor> keep = new ArrayList<>();
    try (Result r = feed(xs, keep).fetch(loss).run()) {
      return Tensors.scalar(r.get(0));
    } finally {
      keep.forEach(Tensor::close);
    }
  }

  /** dL/dx_i for every input. */
  List<double[]> gradients() {
    List<Tensor> keep = new ArrayList<>();
    Session.Runner r = feed(inputs(), keep);
    List<String> fetched = new ArrayList<>();   // Add's inputs share one gradient tensor: fetch it once
    for (Output<?> o : grads) {
      String n = o.op().name() + ":" + o.index();
      if (!fetched.contains(n)) {
        fetched.add(n);
        r.fetch(o);
      }
    }
    try (Result res = r.run()) {
      List<double[]> out = new ArrayList<>();
      for (Output<?> o : grads) out.add(Tensors.toDoubles(res.get(fetched.indexOf(o.op().name() + ":" + o.index()))));
      return out;
    } finally {
      keep.forEach(Tensor::close);
    }
  }

  /** {fd, analytic} of L along a random direction in input i. */
  double[] directional(int i, double[] grad, long seed, double h) {
    double[] x0 = x(i);
    double[] d = LayerGraph.direction(x0.length, data.get("x" + i).shape(), seed, false);
    List<double[]> plus = inputs(), minus = inputs();
    double[] p = plus.get(i), m = minus.get(i);
    double analytic = 0;
    for (int j = 0; j < x0.length; j++) {
      p[j] += h * d[j];
      m[j] -= h * d[j];
      analytic += grad[j] * d[j];
    }
    return new double[] {(loss(plus) - loss(minus)) / (2 * h), analytic};
  }

  @Override
  public void close() {
    mg.close();
  }
}
