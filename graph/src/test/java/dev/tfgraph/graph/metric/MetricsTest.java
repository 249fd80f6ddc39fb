package dev.tfgraph.graph.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.loss.Losses;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * Every built-in metric against numpy (testdata/metrics/gen_metrics.py): the graph's per-example
 * value on logits and on the activated outputs (softmax, sigmoid), and the Java oracle
 * ({@link MetricOracles}) on both, which must agree with it exactly; and the names a run may and may not ask for.
 */
class MetricsTest {
  static final Map<String, NpyArray> D = Npz.read(Path.of("..", "testdata", "metrics", "metrics.npz"));
  static final int N = 8, K = 5;
  static final Loss SPARSE = Losses.builtIn("sparse_categorical_crossentropy", 0);
  static final Loss CATEGORICAL = Losses.builtIn("categorical_crossentropy", 0);
  static final Loss BINARY = Losses.builtIn("binary_crossentropy", 0);
  static final Loss MSE = Losses.builtIn("mse", 0);

  @Test
  void graphAndJavaMatchNumpy() {
    check(SPARSE, "accuracy", "labels", "accuracy_sparse", "softmax");
    check(CATEGORICAL, "accuracy", "onehot", "accuracy_onehot", "softmax");
    check(BINARY, "accuracy", "binary", "accuracy_binary", "sigmoid");
    check(SPARSE, "top_2_accuracy", "labels", "top_2", "softmax");
    check(SPARSE, "top_3_accuracy", "labels", "top_3", "softmax");
    check(MSE, "mse", "regress", "mse", null);
    check(MSE, "mae", "regress", "mae", null);
  }

  /**
   * The metric of {@code name} for {@code loss}: graph and Java per-example values equal numpy's,
   * on logits and on the activated outputs.
   */
  static void check(Loss loss, String name, String target, String expected, String activation) {
    Metric m = Metrics.builtIn(name, loss);
    assertEquals(name, m.name());
    double[] z = D.get("logits").toDoubles(), want = D.get(expected).toDoubles();
    int[] labels = target.equals("labels") ? toInts(D.get("labels").toLongs()) : null;
    float[] t = labels == null ? toFloats(D.get(target).toDoubles()) : null;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat64> pred = tf.constant(Shape.of(N, K), DataBuffers.of(z, true, false));
      Operand<?> tgt = labels != null ? tf.constant(labels) : tf.constant(Shape.of(N, K), DataBuffers.of(D.get(target).toDoubles(), true, false));
      try (Result r = s.runner().fetch(m.perExample(tf, pred, tgt, false)).run()) {
        assertArrayEquals(want, Tensors.toDoubles(r.get(0)), 1e-12, name + " in the graph on logits (" + loss.name() + ")");
      }
      if (activation != null) {
        Operand<TFloat64> act = activation.equals("softmax") ? tf.nn.softmax(pred) : tf.math.sigmoid(pred);
        try (Result r = s.runner().fetch(m.perExample(tf, act, tgt, true)).run()) {
          assertArrayEquals(want, Tensors.toDoubles(r.get(0)), 1e-12, name + " in the graph on " + activation);
        }
      }
    }
    float[] zf = toFloats(z), act = activation == null ? zf : activated(zf, activation);
    boolean binary = "sigmoid".equals(loss.logitsOf());
    for (int i = 0; i < N; i++) {
      int label = labels == null ? -1 : labels[i];
      assertEquals(want[i], MetricOracles.perExample(name, loss.sparse(), binary, zf, i * K, K, label, t, false), 1e-5,
          name + " oracle on logits, example " + i);
      if (activation != null) {
        assertEquals(want[i], MetricOracles.perExample(name, loss.sparse(), binary, act, i * K, K, label, t, true), 1e-5,
            name + " oracle on " + activation);
      }
    }
  }

  @Test
  void namesResolveAgainstTheLoss() {
    assertEquals(List.of("accuracy", "top_5_accuracy"), Metrics.defaults(SPARSE, 10).stream().map(Metric::name).toList());
    assertEquals(List.of("accuracy"), Metrics.defaults(SPARSE, 5).stream().map(Metric::name).toList());
    assertEquals(List.of("accuracy"), Metrics.defaults(BINARY, 10).stream().map(Metric::name).toList());
    assertEquals(List.of("mse", "mae"), Metrics.defaults(MSE, 3).stream().map(Metric::name).toList());
    assertNull(Metrics.builtIn("f1", SPARSE));
    assertEquals("metric accuracy: expected a classification loss, received loss mse",
        assertThrows(BadInputException.class, () -> Metrics.builtIn("accuracy", MSE)).getMessage());
    assertEquals("metric top_5_accuracy: expected a categorical loss (one class per example), received loss binary_crossentropy",
        assertThrows(BadInputException.class, () -> Metrics.builtIn("top_5_accuracy", BINARY)).getMessage());
    assertEquals("metric mse: expected float targets of the output's shape (a loss that is not sparse), received loss "
        + "sparse_categorical_crossentropy", assertThrows(BadInputException.class, () -> Metrics.builtIn("mse", SPARSE)).getMessage());
    assertEquals("metric: unknown metric \"f1\"; expected one of [accuracy, top_<k>_accuracy, mse, mae]",
        assertThrows(BadInputException.class, () -> Metrics.get("f1", SPARSE)).getMessage());
    assertEquals("metrics: accuracy is named twice in [accuracy, accuracy]",
        assertThrows(BadInputException.class, () -> Metrics.get(List.of("accuracy", "accuracy"), SPARSE)).getMessage());
  }

  static float[] activated(float[] z, String activation) {
    float[] out = new float[z.length];
    for (int i = 0; i < N; i++) {
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int c = 0; c < K; c++) max = Math.max(max, z[i * K + c]);
      for (int c = 0; c < K; c++) sum += Math.exp(z[i * K + c] - max);
      for (int c = 0; c < K; c++) {
        int j = i * K + c;
        out[j] = (float) (activation.equals("sigmoid") ? 1 / (1 + Math.exp(-z[j])) : Math.exp(z[j] - max) / sum);
      }
    }
    return out;
  }

  static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }

  static int[] toInts(long[] l) {
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) out[i] = (int) l[i];
    return out;
  }
}
