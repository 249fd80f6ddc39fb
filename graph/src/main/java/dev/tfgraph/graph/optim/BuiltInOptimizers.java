package dev.tfgraph.graph.optim;

import dev.tfgraph.graph.LayerFactory;
import dev.tfgraph.graph.UpdateRule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registers the built-in optimizers ({@link Optimizer#KINDS}) in the plugin registry as a user's
 * factory registers its own, so that a plugin taking one of their names is refused as "registered
 * twice" and every kind is looked up one way. Listed in this module's {@code META-INF/services}
 * file, and loaded by name when a fat jar kept another module's file.
 */
public final class BuiltInOptimizers implements LayerFactory {
  @Override
  public Map<String, Parser> parsers() {
    return Map.of();
  }

  @Override
  public Map<String, Supplier<UpdateRule>> optimizers() {
    Map<String, Supplier<UpdateRule>> m = new LinkedHashMap<>();
    for (String kind : Optimizer.KINDS) m.put(kind, () -> Optimizer.builtIn(kind));
    return m;
  }
}
