package dev.tfgraph.graph.activation;

import dev.tfgraph.graph.ActivationFunction;
import dev.tfgraph.graph.LayerFactory;
import java.util.Map;

/**
 * Registers the built-in activations ({@link Activations#builtIns()}) in the plugin registry as a
 * user's factory registers its own, so that a plugin taking one of their names is refused as
 * "registered twice". Listed in this module's {@code META-INF/services} file, and loaded by name
 * when a fat jar kept another module's file instead.
 */
public final class BuiltInActivations implements LayerFactory {
  @Override
  public Map<String, Parser> parsers() {
    return Map.of();
  }

  @Override
  public Map<String, ActivationFunction> activations() {
    return Activations.builtIns();
  }
}
