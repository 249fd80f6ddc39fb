package dev.tfgraph.graph.train;

import dev.tfgraph.graph.TestLayers.Affine;

import dev.tfgraph.graph.callbacks.Epoch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.data.Dataset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Regression and multi-label training through the Java API, to a stated quality on generated
 * data, with the metrics named as a library user names them (the command line's twin is
 * LossesCommandTest).
 */
class LossesTrainingTest {
  static final int N = 400;

  /** x ~ N(0, 1)^4; regression target a − 2b + c/2 + 0.3 (variance 5.25); 3 labels a > 0, b + c > 0, d < 1/2. */
  static Dataset data(boolean regression, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[N * 4], t = new float[N * (regression ? 1 : 3)];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < 4; j++) x[i * 4 + j] = (float) r.nextGaussian();
      float a = x[i * 4], b = x[i * 4 + 1], c = x[i * 4 + 2], d = x[i * 4 + 3];
      if (regression) {
        t[i] = a - 2 * b + 0.5f * c + 0.3f;
      } else {
        t[i * 3] = a > 0 ? 1 : 0;
        t[i * 3 + 1] = b + c > 0 ? 1 : 0;
        t[i * 3 + 2] = d < 0.5 ? 1 : 0;
      }
    }
    return new Dataset(List.of(new Dataset.Input("x", x, new long[] {4})), null,
        new Dataset.Input("y", t, new long[] {regression ? 1 : 3}));
  }

  static Model model(int units, String activation) {
    return Model.builder("m", "x", 4).add(new Affine("h", 16, "relu", true)).add(new Affine("out", units, activation, true)).build();
  }

  static Trainer trainer(Model m, String loss, List<String> metrics) {
    TrainOptions o = TrainerTest.options(40).optimizer(Optimizer.Config.of("adam", 0.01)).build();
    dev.tfgraph.graph.Loss l = dev.tfgraph.graph.loss.Losses.get(loss, 0);
    return Trainer.builder(m, o).loss(l).metrics(metrics == null ? null : dev.tfgraph.graph.metric.Metrics.get(metrics, l)).build();
  }

  @Test
  void regressionReachesAnMseOfOnePercentOfTheVariance() {
    try (Trainer t = trainer(model(1, "linear"), "mse", null)) {
      TrainResult r = t.fit(data(true, 1), null, data(true, 2), null);
      assertEquals(List.of("mse", "mae"), List.copyOf(r.trainMetrics().keySet()));
      assertTrue(r.test().mse() < 0.05 && r.test().mae() < 0.2, "test " + r.test());
      // with no regularization the mse metric is the mse loss, batch by batch
      for (Epoch e : r.history()) assertEquals(e.trainLoss(), e.train().get("mse"), 1e-6 * Math.max(1, e.trainLoss()));
    }
  }

  @Test
  void multiLabelBinaryReachesNinetyFivePercent() {
    try (Trainer t = trainer(model(3, "sigmoid"), "binary_crossentropy", List.of("accuracy", "mse"))) {
      TrainResult r = t.fit(data(false, 3), null, data(false, 4), null);
      assertTrue(r.test().accuracy() > 0.95, "binary accuracy over 3 labels: " + r.test());
      assertTrue(r.test().mse() < 0.05, "mse of the probabilities (the outputs as they are): " + r.test());
      // in training too the metric sees the sigmoid's outputs (the loss takes the logits): on logits it would be far above 1
      assertTrue(r.trainMetrics().get("mse") < 0.05, "training mse on the probabilities: " + r.trainMetrics());
    }
  }
}
