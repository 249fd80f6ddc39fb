package dev.tfgraph.graph.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * Every built-in loss against numpy float64 (testdata/losses/gen_losses.py): the graph's per-example
 * value from logits and from activated outputs taken back to logits, the Java oracle ({@link LossOracles})
 * from both and against the graph, and the graph's gradient with respect to its input against central
 * finite differences.
 */
class LossesTest {
  static final Map<String, NpyArray> D = Npz.read(Path.of("..", "testdata", "losses", "losses.npz"));

  /** {per-example values, gradient of their sum w.r.t. pred at pred} by the graph in float64. */
  static double[][] graph(Loss loss, double[] pred, boolean logits, String target, double[] at) {
    return graph(loss, pred, logits, target, at, false);
  }

  /** As above, the float targets rounded to float32 when {@code rounded}. */
  static double[][] graph(Loss loss, double[] pred, boolean logits, String target, double[] at, boolean rounded) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat64> x = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(6, 5)));
      Operand<?> t = targets(tf, loss, target, rounded);
      Operand<TFloat64> per = loss.perExample(tf, x, t, logits);
      Operand<TFloat64> sum = tf.reduceSum(per, tf.constant(0));
      Output<?>[] grad = g.addGradients(sum.asOutput(), new Output<?>[] {x.asOutput()});
      try (Tensor xt = Tensors.of(TFloat64.class, Shape.of(6, 5), at == null ? pred : at);
          Result r = s.runner().feed(x, xt).fetch(per).fetch(grad[0]).run()) {
        return new double[][] {Tensors.toDoubles(r.get(0)), Tensors.toDoubles(r.get(1))};
      }
    }
  }

  /** The graph's per-example loss on outputs p that went through the loss's activation, taken back to logits, in float64. */
  static double[] activated(Loss loss, double[] p, String target) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat64> x = tf.constant(Shape.of(p.length / 5, 5), org.tensorflow.ndarray.buffer.DataBuffers.of(p, true, false));
      Operand<?> t = targets(tf, loss, target, true);
      try (Result r = s.runner().fetch(loss.perExample(tf, Losses.logitsFrom(tf, loss.logitsOf(), x), t, true)).run()) {
        return Tensors.toDoubles(r.get(0));
      }
    }
  }

  /** Labels, or the float targets {@code target} (rounded to float32 first, as the oracles read them, when {@code rounded}). */
  static Operand<?> targets(Ops tf, Loss loss, String target, boolean rounded) {
    if (loss.sparse()) return tf.constant(toInts(D.get("labels").toLongs()));
    double[] t = D.get(target).toDoubles();
    if (rounded) for (int i = 0; i < t.length; i++) t[i] = (float) t[i];
    return tf.constant(Shape.of(6, 5), org.tensorflow.ndarray.buffer.DataBuffers.of(t, true, false));
  }

  static int[] toInts(long[] l) {
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) out[i] = (int) l[i];
    return out;
  }

  /**
   * The graph on logits z against {@code expected} (numpy), and against the Java oracle on the same values; the oracle
   * on z too; on the activated outputs {@code probsInput}, the graph (taking them back to logits with
   * {@link Losses#logitsFrom}) and the oracle against {@code probsExpected} (null: no activation, e.g. mse).
   */
  static void check(String name, double smoothing, String target, String expected, String probsInput, String probsExpected) {
    Loss loss = Losses.builtIn(name, smoothing);
    float[] tp = target == null ? null : toFloats(D.get(target).toDoubles());
    int[] labels = toInts(D.get("labels").toLongs());
    if (probsInput != null) {
      double[] p = D.get(probsInput).toDoubles();
      float[] q = toFloats(p);
      double[] wantP = D.get(probsExpected).toDoubles();
      double[] graphP = activated(loss, p, target);
      for (int i = 0; i < 6; i++) {
        double tol = 1e-5 * Math.max(1, Math.abs(wantP[i]));
        assertEquals(wantP[i], LossOracles.perExample(name, smoothing, q, i * 5, 5, labels[i], tp, true), tol,
            name + " " + probsExpected + " oracle, example " + i);
        assertEquals(wantP[i], graphP[i], 1e-9 * Math.max(1, Math.abs(wantP[i])), name + " " + probsExpected + " graph, example " + i);
      }
    }
    boolean logits = true;
    double[] pred = D.get("z").toDoubles();
    double[] want = D.get(expected).toDoubles();
    double[][] got = graph(loss, pred, logits, target, null);
    float[] out = toFloats(pred);
    double[] rounded = new double[out.length];
    for (int i = 0; i < out.length; i++) rounded[i] = out[i];
    double[] graphRounded = graph(loss, pred, logits, target, rounded, true)[0];
    for (int i = 0; i < 6; i++) {
      assertEquals(want[i], got[0][i], 1e-12 * Math.max(1, Math.abs(want[i])), loss.name() + " " + expected + " graph, example " + i);
      double oracle = LossOracles.perExample(name, smoothing, out, i * 5, 5, labels[i], tp, false);
      assertEquals(want[i], oracle, 1e-5 * Math.max(1, Math.abs(want[i])), loss.name() + " " + expected + " oracle, example " + i);
      assertEquals(oracle, graphRounded[i], 1e-12 * Math.max(1, Math.abs(oracle)),
          loss.name() + " " + expected + " graph against the oracle, example " + i);
    }
    // the gradient of Σ loss w.r.t. the input, against central differences along a random direction
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    double[] d = new double[pred.length];
    for (int i = 0; i < d.length; i++) d[i] = 2 * r.nextDouble() - 1;
    double h = 1e-6, analytic = 0;
    double[] plus = pred.clone(), minus = pred.clone();
    for (int i = 0; i < d.length; i++) {
      plus[i] += h * d[i];
      minus[i] -= h * d[i];
      analytic += got[1][i] * d[i];
    }
    double fd = (sum(graph(loss, pred, logits, target, plus)[0]) - sum(graph(loss, pred, logits, target, minus)[0])) / (2 * h);
    assertEquals(fd, analytic, 1e-6 * Math.max(1, Math.abs(analytic)), loss.name() + " " + expected + " gradient");
  }

  static double sum(double[] a) {
    double s = 0;
    for (double v : a) s += v;
    return s;
  }

  static float[] toFloats(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
    return f;
  }

  @Test
  void everyLossMatchesNumpyInGraphAndJavaWithExactGradients() {
    check("sparse_categorical_crossentropy", 0, null, "scce_logits", "p", "scce_probs");
    check("categorical_crossentropy", 0, "onehot", "cce_logits", "p", "cce_probs");
    check("categorical_crossentropy", 0.1, "onehot", "cce_smooth_logits", null, null);
    check("binary_crossentropy", 0, "multi", "bce_logits", "s", "bce_probs");
    check("binary_crossentropy", 0.2, "multi", "bce_smooth_logits", null, null);
    check("mse", 0, "reg", "mse", null, null);
    check("mae", 0, "reg", "mae", null, null);
  }

  @Test
  void namesAndSettingsAreChecked() {
    assertEquals(Losses.NAMES, java.util.List.copyOf(Losses.all().keySet()).subList(0, 5));
    BadInputException e = assertThrows(BadInputException.class, () -> Losses.get("hinge", 0));
    assertTrue(e.getMessage().contains("unknown loss \"hinge\"") && e.getMessage().contains("mse"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> Losses.get("mse", 0.1));
    assertTrue(e.getMessage().contains("label_smoothing"), e.getMessage());
    e = assertThrows(BadInputException.class, () -> Losses.get("categorical_crossentropy", 1.0));
    assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
  }
}
