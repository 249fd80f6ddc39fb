package dev.tfgraph.graph;

import java.util.Map;

/**
 * Service-provider interface through which modules contribute layer types to
 * {@link LayerRegistry} (the graph module knows no concrete layer). Register an implementation in
 * {@code META-INF/services/dev.tfgraph.graph.LayerFactory}.
 */
public interface LayerFactory {
  /** Reads one layer's own keys; type, name and trainable are already read. */
  @FunctionalInterface
  interface Parser {
    Layer parse(ConfigReader config, String name, boolean trainable);
  }

  /** Type name (as in the spec's "type") to parser. */
  Map<String, Parser> parsers();
}
