package dev.tfgraph.layers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.testkit.InboundGraph;
import dev.tfgraph.testkit.LayerGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A merge layer alone in a graph model of k inputs x0..x(k−1) ({@link InboundGraph}), on a golden
 * case from testdata/graphs (gen_graphs.py) or testdata/layers (gen_keras_layers.py): forward, the gradients of L = Σ g·y with respect to
 * every input, and L itself for central finite differences.
 */
final class MergeHarness implements AutoCloseable {
  static final Path DIR = Path.of("..", "testdata", "graphs");
  final Map<String, NpyArray> data;
  final int k;
  private final InboundGraph graph;

  MergeHarness(String name, String dtype) {
    this(DIR, name, dtype);
  }

  /** A case in another folder of the same format, e.g. testdata/layers (gen_keras_layers.py). */
  MergeHarness(Path dir, String name, String dtype) {
    JsonNode json;
    try {
      json = Configs.JSON.readTree(Files.readString(dir.resolve(name + ".json")));
    } catch (IOException e) {
      throw new IllegalStateException("golden case " + name + " missing in " + dir + ": run its generator", e);
    }
    data = Npz.read(dir.resolve(name + ".npz"));
    k = json.get("inputs").asInt();
    List<long[]> shapes = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      long[] s = data.get("x" + i).shape();
      shapes.add(Arrays.copyOfRange(s, 1, s.length));
    }
    Layer layer = LayerRegistry.fromConfig(json.get("layer"), name);
    graph = new InboundGraph(layer, shapes, Math.toIntExact(data.get("x0").shape()[0]), dtype);
  }

  double[] x(int i) {
    return data.get("x" + i).toDoubles();
  }

  private List<double[]> inputs() {
    List<double[]> xs = new ArrayList<>();
    for (int i = 0; i < k; i++) xs.add(x(i));
    return xs;
  }

  double[] forward() {
    return graph.forward(inputs());
  }

  double loss(List<double[]> xs) {
    return graph.loss(xs, data.get("g").toDoubles());
  }

  /** dL/dx_i for every input. */
  List<double[]> gradients() {
    Map<String, double[]> all = graph.gradients(inputs(), data.get("g").toDoubles(), Map.of());
    List<double[]> out = new ArrayList<>();
    for (int i = 0; i < k; i++) out.add(all.get("x" + i));
    return out;
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

  /**
   * A golden case of testdata/layers: forward in float32 (to 1e-6, scaled) and float64 (1e-12), every
   * input's gradient against the stored one (1e-10) and against central finite differences (1e-6).
   */
  static void checkKerasCase(String name) {
    Path dir = LayerHarness.DIR;
    try (MergeHarness h = new MergeHarness(dir, name, "float32")) {
      LayerGraph.assertClose(h.data.get("y").toDoubles(), h.forward(), 1e-6, name + " float32");
    }
    try (MergeHarness h = new MergeHarness(dir, name, "float64")) {
      LayerGraph.assertClose(h.data.get("y").toDoubles(), h.forward(), 1e-12, name + " float64");
      List<double[]> grads = h.gradients();
      for (int i = 0; i < h.k; i++) {
        LayerGraph.assertClose(h.data.get("grad_x" + i).toDoubles(), grads.get(i), 1e-10, name + " dL/dx" + i);
        for (long seed = 0; seed < 3; seed++) {
          double[] fa = h.directional(i, grads.get(i), seed, 1e-6);
          LayerGraph.assertClose(new double[] {fa[1]}, new double[] {fa[0]}, 1e-6, name + " finite difference along x" + i);
        }
      }
    }
  }

  @Override
  public void close() {
    graph.close();
  }
}
