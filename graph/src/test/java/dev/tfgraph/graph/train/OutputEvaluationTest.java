package dev.tfgraph.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.loss.LossOracles;
import dev.tfgraph.graph.loss.Losses;
import dev.tfgraph.graph.metric.MetricOracles;
import dev.tfgraph.graph.metric.Metrics;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A model's outputs given by a predictor (a SavedModel tfgraph did not export) are evaluated by the loss's and
 * metrics' graph ops, batch by batch (700 examples: two batches), in the outputs' dtype; the means agree with the Java
 * oracles' on the same outputs.
 */
class OutputEvaluationTest {
  static final int N = 700, K = 6;

  /** Each example's input is its index; the predictor looks its outputs up by it. */
  static Function<Dataset, NpyArray> lookup(float[] out) {
    return d -> {
      float[] rows = new float[d.size() * K];
      for (int i = 0; i < d.size(); i++) System.arraycopy(out, (int) d.x()[i] * K, rows, i * K, K);
      return NpyArray.ofFloats(new long[] {d.size(), K}, rows);
    };
  }

  static float[] index() {
    float[] x = new float[N];
    for (int i = 0; i < N; i++) x[i] = i;
    return x;
  }

  @Test
  void softmaxOutputsGiveTheOraclesMeans() {
    SplittableRandom r = new SplittableRandom(7);
    float[] logits = new float[N * K], probs = new float[N * K];
    int[] y = new int[N];
    for (int i = 0; i < N; i++) {
      y[i] = r.nextInt(K);
      for (int c = 0; c < K; c++) logits[i * K + c] = (float) (3 * r.nextGaussian() + (c == y[i] ? 2 : 0));
      double[] l = LossOracles.logSoftmax(logits, i * K, K);
      for (int c = 0; c < K; c++) probs[i * K + c] = (float) Math.exp(l[c]);
    }
    Loss loss = Losses.get("sparse_categorical_crossentropy", 0);
    List<Metric> metrics = Metrics.get(List.of("accuracy", "top_2_accuracy"), loss);
    Dataset d = new Dataset(index(), y, new long[] {1});
    for (boolean activated : new boolean[] {false, true}) {
      float[] out = activated ? probs : logits;
      TrainResult.Metrics m = Evaluator.evaluate(d, UnaryOperator.identity(), lookup(out), loss, metrics, activated);
      double want = 0, acc = 0, top2 = 0;
      for (int i = 0; i < N; i++) {
        want += LossOracles.perExample(loss.name(), 0, out, i * K, K, y[i], null, activated);
        acc += MetricOracles.perExample("accuracy", true, false, out, i * K, K, y[i], null, activated);
        top2 += MetricOracles.perExample("top_2_accuracy", true, false, out, i * K, K, y[i], null, activated);
      }
      assertEquals(N, m.examples());
      // float32 sums of 512 values, and a softmax's clipped outputs renormalized (at most 1e-7 per output below 1e-7)
      assertEquals(want / N, m.loss(), 1e-5 + K * 1e-7, "loss, activated " + activated);
      assertEquals(acc / N, m.values().get("accuracy"), 1e-9, "accuracy, activated " + activated);
      assertEquals(top2 / N, m.values().get("top_2_accuracy"), 1e-9, "top_2_accuracy, activated " + activated);
    }
  }

  /** Outputs 1e-9 off their targets in float64 give an mse near 1e-18, which float32 outputs could not. */
  @Test
  void float64OutputsAreEvaluatedInFloat64() {
    float[] x = index();
    float[] t = new float[N];
    java.util.Arrays.fill(t, 1);
    Dataset d = new Dataset(List.of(new Dataset.Input(null, x, new long[] {1})), null, new Dataset.Input(null, t, new long[] {1}));
    Function<Dataset, NpyArray> predict = b -> {
      double[] o = new double[b.size()];
      java.util.Arrays.fill(o, 1 + 1e-9);
      return NpyArray.ofDoubles(new long[] {b.size(), 1}, o);
    };
    Loss mse = Losses.get("mse", 0);
    TrainResult.Metrics m = Evaluator.evaluate(d, UnaryOperator.identity(), predict, mse, Metrics.defaults(mse, 1), false);
    assertEquals(1e-18, m.loss(), 1e-20);
    assertEquals(1e-9, m.values().get("mae"), 1e-15);
  }

  @Test
  void aLabelBeyondTheOutputsNamesItsExample() {
    int[] y = new int[N];
    y[600] = K;
    float[] out = new float[N * K];
    Loss loss = Losses.get("sparse_categorical_crossentropy", 0);
    Dataset d = new Dataset(index(), y, new long[] {1});
    BadInputException e = assertThrows(BadInputException.class,
        () -> Evaluator.evaluate(d, UnaryOperator.identity(), lookup(out), loss, Metrics.defaults(loss, K), true));
    assertEquals("label 6 of example 600 is outside [0, 6)", e.getMessage());
  }
}
