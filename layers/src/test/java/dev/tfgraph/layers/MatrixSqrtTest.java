package dev.tfgraph.layers;

import dev.tfgraph.layers.bilinear.MatrixSqrt;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.runtime.Tensors;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

class MatrixSqrtTest {
  @Test
  void svdAndEighMatchTheFloat64Root() {
    LayerHarness.checkForward32("matrix_sqrt_svd");
    LayerHarness.checkForward32("matrix_sqrt_eigh");
    LayerHarness.checkForward32("matrix_sqrt_newton_schulz");
  }

  @Test
  void lyapunovGradientMatchesReferenceAndSymmetricFiniteDifferences() {
    LayerHarness.checkGradients64("matrix_sqrt_svd", true);
    LayerHarness.checkGradients64("matrix_sqrt_eigh", true);
  }

  @Test
  void gradientStaysFiniteAndExactWithRepeatedEigenvalues() {
    LayerHarness.checkGradients64("matrix_sqrt_rank_deficient", true);
    LayerHarness.checkGradients64("matrix_sqrt_floor", true, false);   // floored: the contract's K, not the forward's derivative
  }

  @Test
  void newtonSchulzGradientIsThatOfTheIteration() {
    LayerHarness.checkGradients64("matrix_sqrt_newton_schulz", false);
  }

  /** Relative Frobenius error of float32 "svd" and "eigh" at condition number 1e4 is at most 1e-4. */
  @Test
  void forwardRelativeErrorAtConditionNumber1e4() {
    int c = 32;
    double[][] q = orthogonal(c, 7);
    double[] s = new double[c];
    for (int i = 0; i < c; i++) s[i] = Math.pow(10, -4.0 * i / (c - 1));   // 1 .. 1e-4
    double[] a = compose(q, s, 1), root = compose(q, s, 0.5);
    for (String method : new String[] {"svd", "eigh"}) {
      double[] got = run(method, a, c, TFloat32.class, false).get("y");
      double num = 0, den = 0;
      for (int i = 0; i < got.length; i++) {
        num += (got[i] - root[i]) * (got[i] - root[i]);
        den += root[i] * root[i];
      }
      double rel = Math.sqrt(num / den);
      assertTrue(rel <= 1e-4, method + ": relative error " + rel + " > 1e-4");
    }
  }

  /** C = 512 (VGG16's channels), batch 2, rank-deficient (8 positions): value and gradient finite. */
  @Test
  void largestChannelCountStaysFinite() {
    int c = 512, positions = 8;
    SplittableRandom r = new SplittableRandom(3);
    double[] a = new double[c * c];
    double[][] x = new double[positions][c];
    for (double[] row : x) for (int j = 0; j < c; j++) row[j] = Math.max(0, r.nextGaussian());
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        double v = 0;
        for (double[] row : x) v += row[i] * row[j];
        a[i * c + j] = v / positions + (i == j ? 1e-5 : 0);
      }
    }
    for (String method : new String[] {"svd", "eigh"}) {
      Map<String, double[]> out = run(method, a, c, TFloat32.class, true);
      for (String k : out.keySet()) {
        for (double v : out.get(k)) assertTrue(Double.isFinite(v), method + " " + k + " not finite");
      }
    }
  }

  /** NaN input: documented outcome is NaN output (or a clean TF error), never a crash or hang. */
  @Test
  void nanInputGivesNanNotACrash() {
    double[] a = {1, 0, 0, Double.NaN};
    for (String method : MatrixSqrt.METHODS) {
      try {
        double[] y = run(method, a, 2, TFloat32.class, false).get("y");
        boolean anyNan = false;
        for (double v : y) anyNan |= Double.isNaN(v);
        assertTrue(anyNan, method + " turned a NaN input into finite numbers");
      } catch (org.tensorflow.exceptions.TensorFlowException e) {
        assertTrue(e.getMessage() != null);
      }
    }
  }

  @Test
  void configRoundTripsAndRejectsBadValues() {
    Configs.roundTrip("{'type': 'MatrixSqrt', 'name': 'r', 'method': 'newton_schulz', 'iterations': 7}", 4, 4);
    Configs.rejects("{'type': 'MatrixSqrt', 'name': 'r', 'method': 'qr'}", "MatrixSqrt 'r'", "method", "qr", "svd");
    Configs.rejects("{'type': 'MatrixSqrt', 'name': 'r', 'iterations': 0}", "iterations", "positive", "0");
    Configs.rejects("{'type': 'MatrixSqrt', 'name': 'r'}", new long[] {4, 5}, "square");
    // iterations are unrolled into the graph: a huge count hung the export
    Configs.refusesSpec("{'type': 'MatrixSqrt', 'name': 'r', 'method': 'newton_schulz', 'iterations': 1000000}", new long[] {4, 4},
        "MatrixSqrt 'r'", "iterations", "<= 100", "1000000");
    Configs.roundTrip("{'type': 'MatrixSqrt', 'name': 'r', 'method': 'newton_schulz', 'iterations': 100}", 4, 4);
    // a floor that is 0 in float32 gives K_ij = 1/0
    Configs.rejects("{'type': 'MatrixSqrt', 'name': 'r', 'min_eigenvalue': 1e-300}", "MatrixSqrt 'r'", "min_eigenvalue", "1.0E-30", "1.0E-300");
  }

  /** y (and, with grad, dL/dA of L = Σ y) for one matrix. */
  static Map<String, double[]> run(String method, double[] a, int c, Class<? extends org.tensorflow.types.family.TNumber> type, boolean grad) {
    MatrixSqrt m = new MatrixSqrt("r", method);
    m.build(Shapes.batchOf(c, c));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      @SuppressWarnings({"unchecked", "rawtypes"})
      Placeholder<?> x = tf.placeholder((Class) type, Placeholder.shape(Shape.of(1, c, c)));
      @SuppressWarnings({"unchecked", "rawtypes"})
      Operand y = m.call(tf, (Operand) x, new CallContext(true, Map.of(), null));
      @SuppressWarnings("unchecked")
      Operand<?> loss = tf.reduceSum(y, tf.constant(new int[] {0, 1, 2}));
      var r = s.runner();
      try (Tensor t = Tensors.of(type, Shape.of(1, c, c), a)) {
        r.feed(x, t).fetch(y);
        if (grad) r.fetch(g.addGradients(loss.asOutput(), new Output<?>[] {x.asOutput()})[0]);
        try (Result res = r.run()) {
          return grad ? Map.of("y", Tensors.toDoubles(res.get(0)), "grad", Tensors.toDoubles(res.get(1)))
              : Map.of("y", Tensors.toDoubles(res.get(0)));
        }
      }
    }
  }

  static double[][] orthogonal(int c, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] q = new double[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) q[i][j] = r.nextGaussian();
      for (int k = 0; k < i; k++) {
        double d = 0;
        for (int j = 0; j < c; j++) d += q[i][j] * q[k][j];
        for (int j = 0; j < c; j++) q[i][j] -= d * q[k][j];
      }
      double n = 0;
      for (int j = 0; j < c; j++) n += q[i][j] * q[i][j];
      for (int j = 0; j < c; j++) q[i][j] /= Math.sqrt(n);
    }
    return q;
  }

  /** Σ_k s_k^p q_k q_kᵀ, row-major. */
  static double[] compose(double[][] q, double[] s, double p) {
    int c = s.length;
    double[] out = new double[c * c];
    for (int k = 0; k < c; k++) {
      double w = Math.pow(s[k], p);
      for (int i = 0; i < c; i++) for (int j = 0; j < c; j++) out[i * c + j] += w * q[k][i] * q[k][j];
    }
    return out;
  }
}
