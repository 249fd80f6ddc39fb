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
    Layer parse(ConfigReader config, String name, boolean trainable);
  }

  /** Type name (as in the spec's "type") to parser. */
  Map<String, Parser> parsers();

  /**
   * Keras registered name (a custom Keras layer's {@code registered_name}, e.g. {@code "MyPkg>Swish"}) to
   * the layer type of {@link #parsers()} that a Keras model file's layer of that name imports as, with the
   * same config keys and its weights in the Keras layer's creation order; none by default. Names of the
   * form {@code tfgraph>TYPE} need no entry: they import as TYPE.
   */
  default Map<String, String> kerasNames() {
    return Map.of();
  }

  /** Activation name (as in a layer's "activation") to function; none by default. */
  default Map<String, ActivationFunction> activations() {
    return Map.of();
  }

  /** Loss name (as {@code train --loss} takes it) to loss; none by default. */
  default Map<String, Loss> losses() {
    return Map.of();
  }

  /** Metric name (as {@code train --metrics} takes it) to metric; none by default. */
  default Map<String, Metric> metrics() {
    return Map.of();
  }

  /**
   * Optimizer name (as {@code train --optimizer} takes it) to a fresh update rule for each run;
   * none by default.
   */
  default Map<String, java.util.function.Supplier<dev.tfgraph.graph.UpdateRule>> optimizers() {
    return Map.of();
  }
}
