package dev.tfgraph.graph.activation;

import dev.tfgraph.graph.ActivationFunction;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Checks;
import dev.tfgraph.graph.LayerFactory;
import dev.tfgraph.graph.LayerRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * The activations of docs/layers.md and every activation registered by a
 * {@link LayerFactory} on the class path. One formula per name, below.
 */
public final class Activations {
  private Activations() {}

  /** {@return the built-ins by name, in the order of docs/layers.md} */
  public static Map<String, ActivationFunction> builtIns() {
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
    m.put("relu6", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return relu6(tf, x); }
    });
    m.put("silu", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.math.mul(x, tf.math.sigmoid(x)); }
    });
    m.put("hard_sigmoid", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return hardSigmoid(tf, x); }
    });
    m.put("hard_silu", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.math.mul(x, hardSigmoid(tf, x)); }
    });
    m.put("hard_swish", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return tf.math.mul(x, hardSigmoid(tf, x)); }
    });
    m.put("selu", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return selu(tf, x); }
    });
    m.put("softsign", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return softsign(tf, x); }
    });
    m.put("hard_sigmoid_legacy", new ActivationFunction() {
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) { return hardSigmoidLegacy(tf, x); }
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

  /** SELU's constants (Klambauer et al. 2017), as Keras and TF's Selu op use them. */
  public static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  /** SELU's scale (Klambauer et al. 2017), as Keras and TF's Selu op use it. */
  public static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** min(max(x, 0), 6). */
  static <T extends TNumber> Operand<T> relu6(Ops tf, Operand<T> x) {
    return tf.math.minimum(tf.nn.relu(x), tf.constantOfSameType(x, 6));
  }

  /** Keras 3's hard_sigmoid: relu6(x + 3) / 6. */
  static <T extends TNumber> Operand<T> hardSigmoid(Ops tf, Operand<T> x) {
    return tf.math.div(relu6(tf, tf.math.add(x, tf.constantOfSameType(x, 3))), tf.constantOfSameType(x, 6));
  }

  /** Keras 2's hard_sigmoid: clip(0.2·x + 0.5, 0, 1). */
  static <T extends TNumber> Operand<T> hardSigmoidLegacy(Ops tf, Operand<T> x) {
    Operand<T> z = tf.math.add(tf.math.mul(x, tf.dtypes.cast(tf.constant(0.2), x.type())), tf.constantOfSameType(x, 0.5));
    return tf.math.minimum(tf.nn.relu(z), tf.constantOfSameType(x, 1));
  }

  /** scale·x for x > 0, scale·alpha·(e^x − 1) otherwise (expm1 of min(x, 0): both branches finite). */
  static <T extends TNumber> Operand<T> selu(Ops tf, Operand<T> x) {
    Operand<T> zero = tf.constantOfSameType(x, 0);
    Operand<T> neg = tf.math.mul(tf.dtypes.cast(tf.constant(SELU_SCALE * SELU_ALPHA), x.type()),
        tf.math.expm1(tf.math.minimum(x, zero)));
    Operand<T> pos = tf.math.mul(tf.dtypes.cast(tf.constant(SELU_SCALE), x.type()), x);
    return tf.select(tf.math.greater(x, zero), pos, neg);
  }

  /** x / (1 + |x|). */
  static <T extends TNumber> Operand<T> softsign(Ops tf, Operand<T> x) {
    return tf.math.div(x, tf.math.add(tf.constantOfSameType(x, 1), tf.math.abs(x)));
  }

  /** {@return every name a spec may use: the built-ins and the registered activations} */
  public static Set<String> names() {
    return LayerRegistry.activations().keySet();
  }

  /**
   * Checks an activation name.
   *
   * @param layer how messages name the layer
   * @param name an activation name
   * @return {@code name}
   * @throws BadInputException when no activation has the name
   */
  public static String check(String layer, String name) {
    return Checks.oneOf(layer, "activation", name, java.util.List.copyOf(names()));
  }

  /**
   * Applies an activation by name.
   *
   * @param <T> the float type
   * @param tf the ops to add to
   * @param name an activation name
   * @param x the input, any shape
   * @return the activation of {@code x}, of its shape and dtype (softmax over the last axis)
   * @throws BadInputException when no activation has the name
   */
  public static <T extends TNumber> Operand<T> apply(Ops tf, String name, Operand<T> x) {
    ActivationFunction f = LayerRegistry.activations().get(name);
    if (f == null) throw new BadInputException("unknown activation \"" + name + "\"; expected one of " + names());
    return f.apply(tf, x);
  }
}
