package dev.tfgraph.graph.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.runtime.Tensors;
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
 * The built-in losses' graph ops against their Java oracles ({@link LossOracles}) where the formulas take care:
 * logits far from 0 (no overflow), outputs of exactly 0 and 1 after a softmax or sigmoid (clipped to
 * [1e-7, 1 − 1e-7] before the log, by {@link Losses#logitsFrom}), label smoothing on them; in float64, and in float32
 * within float32's rounding.
 */
class LossEdgeCasesTest {
  static final int K = 4;
  /** Logits of 3 examples: far apart, both signs, one of ±90 (exp overflows float32 beyond 88.7). */
  static final float[] LOGITS = {90, -90, 0, 1, -3, 2.5f, 60, -60, 0, 0, 0, 0};
  /** Softmax outputs with exact zeros and ones, and a row of equal values. */
  static final float[] PROBS = {1, 0, 0, 0, 0, 0.999999f, 1e-9f, 1e-6f, 0.25f, 0.25f, 0.25f, 0.25f};
  /** Sigmoid outputs: each output its own probability, 0 and 1 among them. */
  static final float[] SIGMOID = {1, 0, 0.5f, 1e-9f, 0.9999999f, 0.3f, 0, 1, 0.7f, 1e-12f, 0.6f, 0.999f};
  static final int[] LABELS = {0, 2, 3};
  static final float[] ONEHOT = {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  static final float[] MULTI = {1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0};

  @Test
  void logitsFarFromZeroGiveTheOraclesValues() {
    for (Class<?> type : java.util.List.of(TFloat64.class, TFloat32.class)) {
      double tol = type == TFloat64.class ? 1e-12 : 2e-6;
      check("sparse_categorical_crossentropy", 0, LOGITS, null, false, type, tol);
      check("categorical_crossentropy", 0, LOGITS, ONEHOT, false, type, tol);
      check("categorical_crossentropy", 0.1, LOGITS, ONEHOT, false, type, tol);
      check("binary_crossentropy", 0, LOGITS, MULTI, false, type, tol);
      check("binary_crossentropy", 0.2, LOGITS, MULTI, false, type, tol);
      check("mse", 0, LOGITS, MULTI, false, type, tol);
      check("mae", 0, LOGITS, MULTI, false, type, tol);
    }
  }

  /**
   * Activated outputs, taken back to logits: exact per output for a sigmoid; after a softmax the loss renormalizes the
   * clipped outputs, so it may differ from the oracle (−log clip(p_y)) by at most 1e-7 per output below 1e-7.
   */
  @Test
  void activatedOutputsAreClippedAsTheOraclesClipThem() {
    for (Class<?> type : java.util.List.of(TFloat64.class, TFloat32.class)) {
      double tol = type == TFloat64.class ? 1e-9 : 2e-6;
      check("sparse_categorical_crossentropy", 0, PROBS, null, true, type, tol + K * 1e-7);
      check("categorical_crossentropy", 0, PROBS, ONEHOT, true, type, tol + K * 1e-7);
      check("categorical_crossentropy", 0.1, PROBS, ONEHOT, true, type, tol + K * 1e-7);
      check("binary_crossentropy", 0, SIGMOID, MULTI, true, type, type == TFloat64.class ? 1e-9 : 1e-5);
      check("binary_crossentropy", 0.2, SIGMOID, MULTI, true, type, type == TFloat64.class ? 1e-9 : 1e-5);
    }
    // a clipped zero costs −log(1e-7) ≈ 16.12, not infinity
    double zero = graph(Losses.builtIn("sparse_categorical_crossentropy", 0), PROBS, null, true, TFloat64.class)[1];
    assertEquals(-Math.log(1e-7), zero, 1e-5);
  }

  @Test
  void onlySoftmaxAndSigmoidAreTakenBackToLogits() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      assertNull(Losses.logitsFrom(tf, "tanh", tf.constant(new float[] {0.5f})));
      assertNull(Losses.logitsFrom(tf, null, tf.constant(new float[] {0.5f})));
    }
  }

  static void check(String name, double smoothing, float[] out, float[] target, boolean activated, Class<?> type, double tol) {
    Loss loss = Losses.builtIn(name, smoothing);
    double[] got = graph(loss, out, target, activated, type);
    for (int i = 0; i < LABELS.length; i++) {
      double want = LossOracles.perExample(name, smoothing, out, i * K, K, LABELS[i], target, activated);
      assertTrue(Double.isFinite(got[i]), name + " example " + i + " is " + got[i]);
      assertEquals(want, got[i], tol * Math.max(1, Math.abs(want)),
          name + " (smoothing " + smoothing + ", " + (activated ? "activated" : "logits") + ", " + type.getSimpleName() + "), example " + i);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static double[] graph(Loss loss, float[] out, float[] target, boolean activated, Class<?> type) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand x = constant(tf, out, type);
      Operand<?> t = loss.sparse() ? tf.constant(LABELS) : constant(tf, target, type);
      Operand pred = activated ? Losses.logitsFrom(tf, loss.logitsOf(), x) : x;
      try (Result r = s.runner().fetch(loss.perExample(tf, pred, t, activated)).run()) {
        return Tensors.toDoubles(r.get(0));
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
