package dev.tfgraph.graph.loss;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.Loss;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TNumber;

/** The losses of docs/training.md by Keras name; the default is sparse categorical cross-entropy. */
public final class Losses {
  /** The default loss's name: sparse categorical cross-entropy on integer labels. */
  public static final String DEFAULT = "sparse_categorical_crossentropy";
  /** The built-in losses' Keras names. */
  public static final List<String> NAMES = List.of("sparse_categorical_crossentropy", "categorical_crossentropy",
      "binary_crossentropy", "mse", "mae");
  /** Probabilities are clipped to [EPSILON, 1 − EPSILON] before a log (Keras' backend epsilon). */
  public static final double EPSILON = 1e-7;

  private Losses() {}

  /**
   * The built-in loss of this name; label smoothing applies to the cross-entropies only.
   *
   * @param name one of {@link #NAMES}
   * @param labelSmoothing in [0, 1); non-zero only for categorical and binary cross-entropy
   * @return the loss, or null when the name is not a built-in
   * @throws BadInputException when the smoothing is out of range or does not apply to the loss
   */
  public static Loss builtIn(String name, double labelSmoothing) {
    if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw new BadInputException("loss: label_smoothing must be in [0, 1), received " + labelSmoothing);
    }
    if (labelSmoothing > 0 && !(name.equals("categorical_crossentropy") || name.equals("binary_crossentropy"))) {
      throw new BadInputException("loss: label_smoothing applies to categorical_crossentropy and binary_crossentropy, not " + name);
    }
    return switch (name) {
      case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossentropy();
      case "categorical_crossentropy" -> new CategoricalCrossentropy(labelSmoothing);
      case "binary_crossentropy" -> new BinaryCrossentropy(labelSmoothing);
      case "mse" -> new MeanError(true);
      case "mae" -> new MeanError(false);
      default -> null;
    };
  }

  /** {@return every built-in by name (default settings), in {@link #NAMES} order} */
  public static Map<String, Loss> builtIns() {
    Map<String, Loss> m = new LinkedHashMap<>();
    for (String n : NAMES) m.put(n, builtIn(n, 0));
    return m;
  }

  /**
   * Every loss by name: the built-ins, then those registered by factories ({@code LayerFactory.losses()}); the
   * built-ins are registered too ({@link BuiltInLosses}), so a plugin cannot take one of their names.
   *
   * @return a new map of every loss
   */
  public static Map<String, Loss> all() {
    Map<String, Loss> m = builtIns();
    m.putAll(LayerRegistry.losses());
    return m;
  }

  /**
   * The loss of this name, with label smoothing for the built-in cross-entropies; an unknown name lists the known
   * ones.
   *
   * @param name a built-in or registered loss name
   * @param labelSmoothing in [0, 1); non-zero only for the built-in cross-entropies
   * @return the loss
   * @throws BadInputException when the name is unknown or the smoothing does not apply
   */
  public static Loss get(String name, double labelSmoothing) {
    Map<String, Loss> all = all();
    if (NAMES.contains(name)) return builtIn(name, labelSmoothing);
    Loss l = all.get(name);
    if (l == null) throw new BadInputException("loss: unknown loss \"" + name + "\"; expected one of " + all.keySet());
    if (labelSmoothing != 0) throw new BadInputException("loss: label_smoothing applies to the built-in cross-entropies, not " + name);
    return l;
  }

  /**
   * Logits that give back {@code outputs}, which went through {@code activation}, for a loss that takes logits (a
   * SavedModel's outputs cannot be taken apart): log p for softmax (log-softmax gives log p back, p summing to 1) and
   * log p − log(1 − p) for sigmoid, p clipped to [EPSILON, 1 − EPSILON] first as Keras clips probabilities, computed in
   * float64 and given in the outputs' dtype; null for any other activation.
   *
   * @param <T> the outputs' float type
   * @param tf the ops to add to
   * @param activation the output layer's final activation
   * @param outputs probabilities, [batch, ...]
   * @return logits of the outputs' shape and dtype, or null
   */
  public static <T extends TNumber> Operand<T> logitsFrom(Ops tf, String activation, Operand<T> outputs) {
    if (!"softmax".equals(activation) && !"sigmoid".equals(activation)) return null;
    Operand<TFloat64> p = tf.clipByValue(tf.dtypes.cast(outputs, TFloat64.class), tf.constant(EPSILON), tf.constant(1 - EPSILON));
    Operand<TFloat64> z = activation.equals("softmax") ? tf.math.log(p) : tf.math.sub(tf.math.log(p), tf.math.log1p(tf.math.neg(p)));
    return tf.dtypes.cast(z, outputs.type());
  }
}
