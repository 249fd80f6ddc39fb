package dev.tfgraph.graph;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TNumber;

/** The contract's activations: linear, relu, sigmoid, tanh, softmax (last axis). */
public final class Activations {
  public static final List<String> NAMES = List.of("linear", "relu", "sigmoid", "tanh", "softmax");

  private Activations() {}

  public static String check(String layer, String name) {
    return Checks.oneOf(layer, "activation", name, NAMES);
  }

  public static <T extends TNumber> Operand<T> apply(Ops tf, String name, Operand<T> x) {
    return switch (name) {
      case "linear" -> x;
      case "relu" -> tf.nn.relu(x);
      case "sigmoid" -> tf.math.sigmoid(x);
      case "tanh" -> tf.math.tanh(x);
      case "softmax" -> tf.nn.softmax(x);
      default -> throw new BadInputException("unknown activation \"" + name + "\"; expected one of " + NAMES);
    };
  }
}
