package dev.tfgraph.graph.metric;

import dev.tfgraph.graph.LayerFactory;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.loss.Losses;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the built-in metrics' names in the plugin registry as a user's factory registers its
 * own, so that a plugin taking one of them is refused as "registered twice": accuracy (as resolved
 * for the default loss), mse and mae. {@link Metrics#get} resolves each against the run's loss; the
 * names {@code top_<k>_accuracy}, a pattern, are refused by that lookup. Listed in this module's
 * {@code META-INF/services} file, and loaded by name when a fat jar kept another module's file.
 */
public final class BuiltInMetrics implements LayerFactory {
  @Override
  public Map<String, Parser> parsers() {
    return Map.of();
  }

  @Override
  public Map<String, Metric> metrics() {
    Map<String, Metric> m = new LinkedHashMap<>();
    m.put("accuracy", Metrics.builtIn("accuracy", Losses.builtIn(Losses.DEFAULT, 0)));
    m.put("mse", new LossMetric(Losses.builtIn("mse", 0)));
    m.put("mae", new LossMetric(Losses.builtIn("mae", 0)));
    return m;
  }
}
