package dev.tfgraph.layers;

import dev.tfgraph.graph.Synthetic;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.preprocessing.Normalization;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.Shapes;
import dev.tfgraph.testkit.LayerCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

class NormalizationTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("normalization");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("normalization", false);
  }

  @Test
  void meanAndVarianceAreNotTrainable() {
    Normalization n = new Normalization("n");
    n.build(Shape.of(-1, 2, 3));
    Map<String, Boolean> trainable = new java.util.HashMap<>();
    n.weights().forEach(w -> trainable.put(w.name(), w.trainable()));
    assertEquals(Map.of("mean", false, "variance", false), trainable);
  }

  /** [2, 2, 2]: numpy's x.reshape(-1, 2).mean(0) = [4, 5.5], .var(0) (population) = [5, 8.75]. */
  @Test
  void adaptTakesPerChannelMeanAndPopulationVariance() {
    Normalization n = new Normalization("n");
    n.build(Shape.of(-1, 2, 2));
    Map<String, double[]> v = n.adapt(new float[] {1, 2, 3, 4, 5, 6, 7, 10}, 2, new int[] {0, 1}, 2);
    assertArrayEquals(new double[] {4, 5.5}, v.get("mean"), 1e-12);
    assertArrayEquals(new double[] {5, 8.75}, v.get("variance"), 1e-12);
  }

  @Test
  void adaptedWeightsStandardizeTheTrainingData() {
    Normalization n = new Normalization("n");
    n.build(Shapes.batchOf(2));
    float[] x = {1, 2, 3, 4, 5, 6, 7, 10};
    Map<String, double[]> v = n.adapt(x, 4, new int[4], 1);
    try (LayerHarnessFree h = new LayerHarnessFree(n, x.length / 2, v)) {
      double[] y = h.forward(toDoubles(x));
      for (int c = 0; c < 2; c++) {
        double s = 0, s2 = 0;
        for (int i = c; i < y.length; i += 2) {
          s += y[i];
          s2 += y[i] * y[i];
        }
        assertEquals(0, s / 4, 1e-6);
        assertEquals(1, s2 / 4, 1e-6);
      }
    }
  }

  /** Non-finite training data is named where the layer adapts to it, not later as a non-finite weight. */
  @Test
  void adaptingToNonFiniteDataIsNamed() {
    dev.tfgraph.graph.model.Model m = dev.tfgraph.graph.model.Model.builder("n", "x", 4).add(new Normalization("norm"))
        .add(new Dense("head", 4, "softmax")).build();
    dev.tfgraph.graph.data.Dataset d = Synthetic.fourClasses(64, 4, 1);
    d.x()[4 * 9 + 2] = Float.NaN;
    dev.tfgraph.graph.train.TrainOptions.Builder o = dev.tfgraph.graph.train.TrainOptions.builder();
    o.progress(false);
    try (dev.tfgraph.graph.train.Trainer t = new dev.tfgraph.graph.train.Trainer(m, o.build())) {
      var e = org.junit.jupiter.api.Assertions.assertThrows(dev.tfgraph.graph.BadInputException.class, () -> t.fit(d, null, null, null));
      assertTrue(e.getMessage().contains("Normalization 'norm' adapts to its input") && e.getMessage().contains("NaN for example 9"),
          e.getMessage());
    }
  }

  /** Trainer adapts before the first step; training leaves mean and variance as adapted. */
  @Test
  void trainerAdaptsAndTrainingKeepsTheStatistics() {
    dev.tfgraph.graph.model.Model m = dev.tfgraph.graph.model.Model.builder("n", "x", 4).add(new Normalization("norm"))
        .add(new Dense("head", 4, "softmax")).build();
    dev.tfgraph.graph.data.Dataset d = Synthetic.fourClasses(256, 4, 1);
    dev.tfgraph.graph.train.TrainOptions.Builder o = dev.tfgraph.graph.train.TrainOptions.builder();
    o.epochs(2);
    o.batchSize(32);
    o.progress(false);
    try (dev.tfgraph.graph.train.Trainer t = new dev.tfgraph.graph.train.Trainer(m, o.build())) {
      var w = t.fit(d, null, d, null).weights();
      Map<String, double[]> adapted = ((Normalization) m.layer("norm")).adapt(d.x(), d.size(), d.y(), 4);
      assertArrayEquals(adapted.get("mean"), w.get("norm.mean").toDoubles(), 1e-6);
      assertArrayEquals(adapted.get("variance"), w.get("norm.variance").toDoubles(), 1e-5);
      assertTrue(adapted.get("variance")[0] > 0.01, "the data is not constant");
    }
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'Normalization', 'name': 'n'}", 4, 4, 3);
    Configs.roundTrip("{'type': 'Normalization', 'name': 'n', 'axis': 2}", 4, 3);
    Configs.specRoundTrip("{'type': 'Normalization', 'name': 'n', 'axis': -1}", 5);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Normalization', 'name': 'n', 'axis': 'last'}", "Normalization 'n'", "axis", "\"last\"");
    Configs.rejects("{'type': 'Normalization', 'name': 'n', 'axis': null}", "Normalization 'n'", "axis null", "Keras' None");
    Configs.rejects("{'type': 'Normalization', 'name': 'n', 'axis': 1}", new long[] {4, 3}, "Normalization 'n'", "axis",
        "-1 or 2", "received 1", "not supported");
    Configs.rejects("{'type': 'Normalization', 'name': 'n', 'axis': 0}", new long[] {4}, "Normalization 'n'", "axis", "received 0");
    Configs.rejects("{'type': 'Normalization', 'name': 'n', 'mean': [1, 2]}", "unknown key", "mean");
  }

  @Test
  void passesLayerCheck() {
    LayerCheck.of(new Normalization("n"), 3, 2).check();
  }

  private static double[] toDoubles(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) d[i] = x[i];
    return d;
  }

  /** A float64 LayerGraph of a built layer with the given weights. */
  private static final class LayerHarnessFree extends dev.tfgraph.testkit.LayerGraph {
    LayerHarnessFree(Normalization n, int rows, Map<String, double[]> weights) {
      super(new Normalization(n.name()), n.inputShape(), new long[] {rows, n.inputShape().get(1)},
          org.tensorflow.types.TFloat64.class, false);
      setWeights(weights);
    }
  }
}
