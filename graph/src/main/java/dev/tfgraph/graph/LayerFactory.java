package dev.tfgraph.graph;

import java.util.Map;

/**
 * Service-provider interface through which modules contribute layer types to
 * {@link LayerRegistry} (the graph module knows no concrete layer), and activations. Register an
 * implementation in {@code META-INF/services/dev.tfgraph.graph.LayerFactory}; a name of any kind
 * that another factory already registered is an error naming both classes. tfgraph's own layers,
 * losses, metrics and optimizers are registered the same way, by factories of their packages.
 */
public interface LayerFactory {
  /** Reads one layer's own keys; type, name and trainable are already read. */
  @FunctionalInterface
  interface Parser {
    /**
     * @param config the layer's keys in the spec
     * @param name the layer's name
     * @param trainable whether its weights are trained
     * @return the layer, not yet built
     * @throws BadInputException if a key is missing, of the wrong type or out of range
     */
    Layer parse(ConfigReader config, String name, boolean trainable);
  }

  /**
   * Type name (as in the spec's "type") to parser.
   * @return the parsers by type name
   */
  Map<String, Parser> parsers();

  /**
   * Keras registered name (a custom Keras layer's {@code registered_name}, e.g. {@code "MyPkg>Swish"}) to
   * the layer type of {@link #parsers()} that a Keras model file's layer of that name imports as, with the
   * same config keys and its weights in the Keras layer's creation order; none by default. Names of the
   * form {@code tfgraph>TYPE} need no entry: they import as TYPE.
   * @return layer types by Keras registered name
   */
  default Map<String, String> kerasNames() {
    return Map.of();
  }

  /**
   * Activation name (as in a layer's "activation") to function; none by default.
   * @return functions by activation name
   */
  default Map<String, ActivationFunction> activations() {
    return Map.of();
  }

  /**
   * Loss name (as {@code train --loss} takes it) to loss; none by default.
   * @return losses by name
   */
  default Map<String, Loss> losses() {
    return Map.of();
  }

  /**
   * Metric name (as {@code train --metrics} takes it) to metric; none by default.
   * @return metrics by name
   */
  default Map<String, Metric> metrics() {
    return Map.of();
  }

  /**
   * Optimizer name (as {@code train --optimizer} takes it) to a fresh update rule for each run;
   * none by default.
   * @return suppliers of update rules by optimizer name
   */
  default Map<String, java.util.function.Supplier<dev.tfgraph.graph.UpdateRule>> optimizers() {
    return Map.of();
  }
}
