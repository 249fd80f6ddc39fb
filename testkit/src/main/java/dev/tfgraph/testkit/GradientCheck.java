package dev.tfgraph.testkit;

import dev.tfgraph.graph.io.NpyArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.ndarray.Shape;

/**
 * {@link LayerCheck#gradients()}: a layer's float64 gradients with respect to every input and
 * every trainable weight against central finite differences along {@code directions} random
 * directions, on a random input and upstream gradient drawn from {@code seed}; {@code where}
 * names the layer in a failure.
 */
record GradientCheck(String where, long seed, int directions, double step, double tolerance) {

  /** A layer of one input, on {@code h} (x of shape {@code xShape}). */
  void single(LayerGraph h, long[] xShape) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[Math.toIntExact(Shape.of(xShape).size())];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
    double[] g = new double[Math.toIntExact(Shape.of(h.yShape).size())];
    for (int i = 0; i < g.length; i++) g[i] = 2 * r.nextDouble() - 1;
    Map<String, double[]> weights = h.initialWeights(seed);
    h.setWeights(weights);
    Map<String, double[]> grads = h.gradients(x, g);
    for (int k = 0; k < directions; k++) {
      double[] d = FiniteDifferences.direction(x.length, xShape, seed * 1000 + k, false);
      assertClose(h.directional(x, g, grads.get("x"), d, step), "the input", k);
      for (var e : grads.entrySet()) {
        if (e.getKey().equals("x")) continue;
        double[] dw = FiniteDifferences.direction(e.getValue().length, null, seed * 2000 + k, false);
        assertClose(h.directionalWeight(weights, e.getKey(), x, g, e.getValue(), dw, step), "weight " + e.getKey(), k);
      }
    }
  }

  /** A layer of several inputs, on {@code h}: every input and every trainable weight. */
  void inbound(InboundGraph h) {
    SplittableRandom r = new SplittableRandom(seed);
    List<double[]> xs = new ArrayList<>();
    for (long[] s : h.shapes) {
      double[] x = new double[Math.toIntExact(Shape.of(s).size())];
      for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
      xs.add(x);
    }
    double[] g = new double[Math.toIntExact(Shape.of(h.outShape).size())];
    for (int i = 0; i < g.length; i++) g[i] = 2 * r.nextDouble() - 1;
    Map<String, NpyArray> weights = h.rt.initialValues(seed);
    h.setWeights(weights);
    Map<String, double[]> grads = h.gradients(xs, g, weights);
    for (int k = 0; k < directions; k++) {
      for (int i = 0; i < xs.size(); i++) {
        double[] d = FiniteDifferences.direction(xs.get(i).length, h.shapes.get(i), seed * 1000 + 17 * i + k, false);
        List<double[]> at = new ArrayList<>(xs);
        int input = i;
        assertClose(FiniteDifferences.central(xs.get(i), grads.get("x" + i), d, step, v -> {
          at.set(input, v);
          return h.loss(at, g);
        }), "input " + i, k);
      }
      for (String key : h.names.subList(xs.size(), h.names.size())) {
        double[] w0 = weights.get(key).toDoubles();
        double[] d = FiniteDifferences.direction(w0.length, null, seed * 2000 + k, false);
        Map<String, NpyArray> w = new LinkedHashMap<>(weights);
        double[] fd = FiniteDifferences.central(w0, grads.get(key), d, step, v -> {
          w.put(key, NpyArray.ofDoubles(weights.get(key).shape(), v));
          h.setWeights(w);
          return h.loss(xs, g);
        });
        h.setWeights(weights);
        assertClose(fd, "weight " + key, k);
      }
    }
  }

  /** {fd, analytic} within the tolerance, or an AssertionError naming the layer, what and the direction. */
  private void assertClose(double[] fdAnalytic, String what, int k) {
    FiniteDifferences.assertClose(new double[] {fdAnalytic[0]}, new double[] {fdAnalytic[1]}, tolerance,
        where + ": gradient w.r.t. " + what + " against finite differences, direction " + k);
  }
}
