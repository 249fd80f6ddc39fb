package dev.tfgraph.layers.bilinear;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.ConfigReader;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.SelfAdjointEig;
import org.tensorflow.op.linalg.Svd;
import org.tensorflow.types.family.TNumber;

/**
 * Square root of symmetric positive (semi)definite matrices, batched.
 *
 * <p>"svd" and "eigh": A = U diag(s) Uᵀ (Svd or SelfAdjointEigV2), s floored at min_eigenvalue,
 * output Y = U diag(√s) Uᵀ. Neither op has a gradient in TF, so the exact Lyapunov gradient is
 * written as graph ops with the stop-gradient identity Y + L(Ā) − stop(L(Ā)), where
 * L(Ā) = U[(UᵀĀU) ∘ K]Uᵀ, Ā = (A + Aᵀ)/2, K_ij = 1/(√s_i + √s_j) and U, s are stopped: the value
 * is Y and the gradient is U[(UᵀḠU) ∘ K]Uᵀ, finite for repeated eigenvalues too. It exports as
 * ordinary ops (no JVM callback).
 *
 * <p>"newton_schulz": the coupled iteration of docs/layers.md, differentiated by TF through the
 * iterations (the iterated value is the reference, not the exact root).
 */
public final class MatrixSqrt extends Layer {
  /** The accepted values of method. */
  public static final List<String> METHODS = List.of("svd", "eigh", "newton_schulz");
  /** method when the spec gives none: "svd". */
  public static final String DEFAULT_METHOD = "svd";
  /** iterations of "newton_schulz" when the spec gives none: 5. */
  public static final int DEFAULT_ITERATIONS = 5;
  /** min_eigenvalue when the spec gives none: 1e-10, the floor of the eigenvalues ("svd", "eigh"). */
  public static final double DEFAULT_MIN_EIGENVALUE = 1e-10;
  private final String method;
  private final int iterations;
  private final double minEigenvalue;
  private int channels;

  /**
   * A matrix square root of [batch, C, C] symmetric matrices; the output has the input's shape.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param method one of {@link #METHODS}
   * @param iterations the Newton-Schulz iterations, in [1, 100] (read by "newton_schulz" only)
   * @param minEigenvalue the floor of the eigenvalues, in [1e-30, 1000]
   * @param trainable whether its weights are trained (false freezes them)
   * @throws dev.tfgraph.graph.BadInputException if the name or a value is not valid
   */
  public MatrixSqrt(String name, String method, int iterations, double minEigenvalue, boolean trainable) {
    super(name, trainable);
    this.method = Checks.oneOf(where(), "method", method, METHODS);
    this.iterations = Checks.between(where(), "iterations", iterations, 1, Checks.MAX_ITERATIONS);
    this.minEigenvalue = Checks.epsilon(where(), "min_eigenvalue", minEigenvalue, false);
  }

  /**
   * A matrix square root with the default iterations and eigenvalue floor.
   * @param name the layer's name: 1-128 letters, digits, '_' or '-'
   * @param method one of {@link #METHODS}
   * @throws dev.tfgraph.graph.BadInputException if the name or the method is not valid
   */
  public MatrixSqrt(String name, String method) {
    this(name, method, DEFAULT_ITERATIONS, DEFAULT_MIN_EIGENVALUE, true);
  }

  @Override public String type() { return "MatrixSqrt"; }

  /**
   * Reads this layer's keys from a spec, with the defaults above; registered in {@code Layers}.
   * @param c the layer's keys in the model spec (Keras' names)
   * @param name the layer's name, unique in its model
   * @param trainable whether its weights are trained (false freezes them)
   * @return the layer, not yet built
   * @throws dev.tfgraph.graph.BadInputException if a key is missing, of the wrong type or out of range (the
   *     message names the layer and the key)
   */
  public static MatrixSqrt parse(ConfigReader c, String name, boolean trainable) {
    return new MatrixSqrt(name, c.string("method", DEFAULT_METHOD), c.integer("iterations", DEFAULT_ITERATIONS),
        c.number("min_eigenvalue", DEFAULT_MIN_EIGENVALUE), trainable);
  }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("method", method);
    out.put("iterations", iterations);
    out.put("min_eigenvalue", minEigenvalue);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    requireRank(input, 3, "[batch, C, C]");
    if (input.get(1) != input.get(2)) {
      throw new BadInputException(where() + ": expected square matrices [batch, C, C], received " + Shapes.show(input));
    }
    channels = (int) input.get(1);
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> a, CallContext ctx) {
    return switch (method) {
      case "newton_schulz" -> newtonSchulz(tf, a, channels, iterations);
      case "eigh" -> {
        SelfAdjointEig<T> e = tf.linalg.selfAdjointEig(a, SelfAdjointEig.computeV(true));
        yield spectral(tf, a, e.e(), e.v(), minEigenvalue);
      }
      default -> {
        Svd<T> s = tf.linalg.svd(a, Svd.computeUv(true), Svd.fullMatrices(false));
        yield spectral(tf, a, s.s(), s.u(), minEigenvalue);
      }
    };
  }

  /** Y = U diag(√s) Uᵀ with the Lyapunov gradient, from eigenvalues s [b, C] and vectors U [b, C, C]. */
  static <T extends TNumber> Operand<T> spectral(Ops tf, Operand<T> a, Operand<T> sRaw, Operand<T> uRaw, double minEig) {
    Operand<T> u = tf.stopGradient(uRaw);
    Operand<T> s = tf.math.maximum(tf.stopGradient(sRaw), tf.constantOfSameType(a, minEig));
    Operand<T> root = tf.math.sqrt(s);                                              // [b, C]
    Operand<T> y = Linalg.matmul(tf, tf.math.mul(u, tf.expandDims(root, tf.constant(1))), u, false, true);
    Operand<T> k = tf.math.reciprocal(tf.math.add(tf.expandDims(root, tf.constant(2)),
        tf.expandDims(root, tf.constant(1))));                                      // K_ij = 1/(√s_i + √s_j)
    Operand<T> sym = tf.math.mul(tf.math.add(a, Linalg.transpose(tf, a)), tf.constantOfSameType(a, 0.5));
    Operand<T> inner = Linalg.matmul(tf, Linalg.matmul(tf, u, sym, true, false), u, false, false); // UᵀĀU
    Operand<T> lin = Linalg.matmul(tf, Linalg.matmul(tf, u, tf.math.mul(inner, k), false, false), u, false, true);
    return tf.math.add(y, tf.math.sub(lin, tf.stopGradient(lin)));
  }

  /** Y0 = A/‖A‖_F, Z0 = I; T = ½(3I − Z·Y), Y ← Y·T, Z ← T·Z; output Y·√‖A‖_F. */
  static <T extends TNumber> Operand<T> newtonSchulz(Ops tf, Operand<T> a, int c, int iterations) {
    Operand<T> norm = tf.math.sqrt(tf.reduceSum(tf.math.square(a), tf.constant(new int[] {1, 2}),
        ReduceSum.keepDims(true)));                                                 // [b, 1, 1]
    Operand<T> eye = Linalg.eye(tf, c, a);
    Operand<T> three = tf.math.mul(eye, tf.constantOfSameType(a, 3.0));
    Operand<T> y = tf.math.div(a, norm);
    Operand<T> z = null;                                                            // Z0 = I
    for (int i = 0; i < iterations; i++) {
      Operand<T> zy = z == null ? y : Linalg.matmul(tf, z, y, false, false);
      Operand<T> t = tf.math.mul(tf.math.sub(three, zy), tf.constantOfSameType(a, 0.5));
      Operand<T> yNext = Linalg.matmul(tf, y, t, false, false);
      z = z == null ? t : Linalg.matmul(tf, t, z, false, false);
      y = yNext;
    }
    return tf.math.mul(y, tf.math.sqrt(norm));
  }
}
