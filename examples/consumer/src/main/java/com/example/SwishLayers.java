package com.example;

import dev.tfgraph.graph.ActivationFunction;
import dev.tfgraph.graph.LayerFactory;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/**
 * Registers this project's layer and activation with tfgraph, through
 * META-INF/services/dev.tfgraph.graph.LayerFactory: specs then say {"type": "Swish"} and
 * "activation": "mish", `train --loss sparse_focal` takes its loss and
 * `train --metrics accuracy,true_class_confidence` its metric, `train --optimizer sign_sgd` its
 * optimizer, and a Keras model file whose layer is registered as MyPkg>Swish imports with this Swish.
 */
public final class SwishLayers implements LayerFactory {
  @Override
  public Map<String, Parser> parsers() {
    return Map.of("Swish", (config, name, trainable) -> new Swish(name, config.number("beta_init", 1.0), trainable));
  }

  /** The Keras side of Swish: a Keras layer registered as {@code MyPkg>Swish} (same config key, weight beta) imports as Swish. */
  @Override
  public Map<String, String> kerasNames() {
    return Map.of("MyPkg>Swish", "Swish");
  }

  @Override
  public Map<String, ActivationFunction> activations() {
    return Map.of("mish", new ActivationFunction() {            // x · tanh(softplus(x))
      @Override
      public <T extends TNumber> Operand<T> apply(Ops tf, Operand<T> x) {
        return tf.math.mul(x, tf.math.tanh(tf.math.softplus(x)));
      }
    });
  }

  @Override
  public Map<String, Loss> losses() {
    return Map.of("sparse_focal", new FocalLoss());
  }

  @Override
  public Map<String, Metric> metrics() {
    return Map.of("true_class_confidence", new TrueClassConfidence());
  }

  @Override
  public Map<String, java.util.function.Supplier<dev.tfgraph.graph.UpdateRule>> optimizers() {
    return Map.of("sign_sgd", SignSgd::new);
  }
}
