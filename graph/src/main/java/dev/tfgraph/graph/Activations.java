package dev.tfgraph.graph;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * The contract's activations (CONTRACT.md section 2) and every activation registered by a
 * {@link LayerFactory} on the class path. One formula per name, below.
 */
public final class Activations {
  private Activations() {}

  /** The built-ins, in the contract's order. */
  static Map<String, ActivationFunction> builtIns() {
    Map<String, ActivationFunction> m = new LinkedHashMap<>();
    m.put("linear", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return x; }
    });
    m.put("relu", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.nn.relu(x); }
    });
    m.put("sigmoid", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.math.sigmoid(x); }
    });
    m.put("tanh", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.math.tanh(x); }
    });
    m.put("softmax", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.nn.softmax(x); }
    });
    m.put("gelu", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return gelu(tf, x); }
    });
    m.put("swish", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.math.mul(x, tf.math.sigmoid(x)); }
    });
    m.put("elu", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.nn.elu(x); }
    });
    m.put("softplus", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.math.softplus(x); }
    });
    m.put("leaky_relu", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return leakyRelu(tf, x); }
    });
    return m;
  }

  /** Keras 3's default negative slope. */
  public static final double LEAKY_RELU_SLOPE = 0.2;

  /** max(x, 0.2·x), the slope in the model's dtype (TF's LeakyRelu takes it as a float32 attribute). */
  static <T extends TNumber> Operand<T> leakyRelu(Ops tf, Operand<T> x) {
    return tf.math.maximum(x, tf.math.mul(tf.dtypes.cast(tf.constant(LEAKY_RELU_SLOPE), x.type()), x));
  }

  /** Exact GELU: x · ½(1 + erf(x/√2)). */
  static <T extends TNumber> Operand<T> gelu(Ops tf, Operand<T> x) {
    Operand<T> half = tf.dtypes.cast(tf.constant(0.5), x.type());
    Operand<T> invSqrt2 = tf.dtypes.cast(tf.constant(1 / Math.sqrt(2)), x.type());
    Operand<T> erf = tf.math.erf(tf.math.mul(x, invSqrt2));
    return tf.math.mul(x, tf.math.add(half, tf.math.mul(half, erf)));      // OnesLike has no gradient
  }

  /** Every name a spec may use. */
  public static Set<String> names() {
    return LayerRegistry.activations().keySet();
  }

  public static String check(String layer, String name) {
    return Checks.oneOf(layer, "activation", name, java.util.List.copyOf(names()));
  }

  public static <T extends TNumber> Operand<T> apply(Ops tf, String name, Operand<T> x) {
    ActivationFunction f = LayerRegistry.activations().get(name);
    if (f == null) throw new BadInputException("unknown activation \"" + name + "\"; expected one of " + names());
    return f.apply(tf, x);
  }
}
