package dev.tfgraph.layers;

import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.Layer;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Signed square root, continuous at 0: y = sign(x)·(sqrt(|x| + ε) − sqrt(ε)). Finite value and
 * gradient everywhere; at x = 0 the gradient is 0 (sign(0) = 0, as PyTorch's autograd gives).
 */
public final class SignedSqrt extends Layer {
  private final double epsilon;

  public SignedSqrt(String name, double epsilon, boolean trainable) {
    super(name, trainable);
    this.epsilon = Checks.positive(where(), "epsilon", epsilon);
  }

  public SignedSqrt(String name) {
    this(name, 1e-8, true);
  }

  @Override public String type() { return "SignedSqrt"; }

  @Override
  protected void writeConfig(Map<String, Object> out) {
    out.put("epsilon", epsilon);
  }

  @Override
  protected Shape computeBuild(Shape input) {
    return input;
  }

  @Override
  public <T extends TNumber> Operand<T> call(Ops tf, Operand<T> x, CallContext ctx) {
    return signedSqrt(tf, x, epsilon);
  }

  static <T extends TNumber> Operand<T> signedSqrt(Ops tf, Operand<T> x, double eps) {
    Operand<T> root = tf.math.sqrt(tf.math.add(tf.math.abs(x), tf.constantOfSameType(x, eps)));
    return tf.math.mul(tf.math.sign(x), tf.math.sub(root, tf.constantOfSameType(x, Math.sqrt(eps))));
  }
}
