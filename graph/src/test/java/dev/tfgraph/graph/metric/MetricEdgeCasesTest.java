package dev.tfgraph.graph.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.loss.Losses;
import dev.tfgraph.graph.runtime.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * The built-in metrics' graph ops against their Java oracles ({@link MetricOracles}) where the formulas decide:
 * ties (argmax takes the first largest; top-k counts outputs strictly greater), outputs exactly at the binary
 * threshold (1/2 after a sigmoid, 0 on logits, strictly above), targets exactly 1/2; in float64 and float32.
 */
class MetricEdgeCasesTest {
  static final int K = 4;
  /** Ties: all equal, two largest equal, the true class tied with others. */
  static final float[] OUT = {0.25f, 0.25f, 0.25f, 0.25f, 0.4f, 0.1f, 0.4f, 0.1f, 0.3f, 0.3f, 0.3f, 0.1f, 0, 0.5f, 0.5f, 0};
  static final int[] LABELS = {2, 2, 1, 0};
  static final float[] ONEHOT = {0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  /** Binary targets, some exactly 1/2 (counted as 0). */
  static final float[] BINARY = {1, 0, 0.5f, 1, 0, 1, 1, 0.5f, 1, 1, 0, 0, 0.5f, 1, 0, 1};

  @Test
  void tiesAndThresholdsAsTheOracles() {
    Loss sparse = Losses.builtIn("sparse_categorical_crossentropy", 0);
    Loss categorical = Losses.builtIn("categorical_crossentropy", 0);
    Loss binary = Losses.builtIn("binary_crossentropy", 0);
    for (Class<?> type : List.of(TFloat64.class, TFloat32.class)) {
      for (boolean activated : new boolean[] {false, true}) {
        check("accuracy", sparse, null, activated, type);
        check("accuracy", categorical, ONEHOT, activated, type);
        check("accuracy", binary, BINARY, activated, type);
        check("top_1_accuracy", sparse, null, activated, type);
        check("top_2_accuracy", sparse, null, activated, type);
        check("top_2_accuracy", categorical, ONEHOT, activated, type);
        check("mse", Losses.builtIn("mse", 0), BINARY, activated, type);
        check("mae", Losses.builtIn("mse", 0), BINARY, activated, type);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void check(String name, Loss loss, float[] target, boolean activated, Class<?> type) {
    Metric m = Metrics.builtIn(name, loss);
    int n = OUT.length / K;
    double[] want = new double[n];
    for (int i = 0; i < n; i++) {
      want[i] = MetricOracles.perExample(name, loss.sparse(), "sigmoid".equals(loss.logitsOf()), OUT, i * K, K, LABELS[i], target, activated);
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand pred = constant(tf, OUT, type);
      Operand<?> t = loss.sparse() ? tf.constant(LABELS) : constant(tf, target, type);
      try (Result r = s.runner().fetch(m.perExample(tf, pred, t, activated)).run()) {
        assertArrayEquals(want, Tensors.toDoubles(r.get(0)), 1e-6,
            name + " for " + loss.name() + " (" + (activated ? "activated" : "logits") + ", " + type.getSimpleName() + ")");
      }
    }
  }

  static Operand<?> constant(Ops tf, float[] v, Class<?> type) {
    Shape shape = Shape.of(v.length / K, K);
    if (type == TFloat32.class) return tf.constant(shape, DataBuffers.of(v, true, false));
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) d[i] = v[i];
    return tf.constant(shape, DataBuffers.of(d, true, false));
  }
}
