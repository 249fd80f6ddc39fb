package dev.tfgraph.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.loss.Losses;
import dev.tfgraph.graph.optim.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The graph module's built-in losses, metrics and optimizers are registered as a plugin's are, by
 * factories of their packages: first, also when a fat jar lost this module's service file, and a
 * plugin that takes one of their names is refused as registered twice, naming both classes.
 */
class BuiltInKindsTest {
  static final class Taker implements LayerFactory {
    private final String kind;
    private final String name;

    Taker(String kind, String name) {
      this.kind = kind;
      this.name = name;
    }

    @Override
    public Map<String, Parser> parsers() {
      return Map.of();
    }

    @Override
    public Map<String, Loss> losses() {
      return kind.equals("loss") ? Map.of(name, Losses.builtIn("mae", 0)) : Map.of();
    }

    @Override
    public Map<String, Metric> metrics() {
      return kind.equals("metric") ? Map.of(name, new dev.tfgraph.graph.metric.LossMetric(Losses.builtIn("mae", 0))) : Map.of();
    }

    @Override
    public Map<String, Supplier<UpdateRule>> optimizers() {
      return kind.equals("optimizer") ? Map.of(name, dev.tfgraph.graph.optim.Sgd::new) : Map.of();
    }

    @Override
    public Map<String, ActivationFunction> activations() {
      return kind.equals("activation") ? Map.of(name, dev.tfgraph.graph.activation.Activations.builtIns().get("linear")) : Map.of();
    }
  }

  private static List<LayerFactory> withBuiltIns(LayerFactory... found) {
    return LayerRegistry.withBuiltIns(List.of(found), BuiltInKindsTest.class.getClassLoader());
  }

  @Test
  void theGraphsBuiltInsComeFirstAlsoWhenOnlyAUsersServiceFileSurvived() {
    Taker user = new Taker("loss", "focal");
    List<String> names = withBuiltIns(user).stream().map(f -> f.getClass().getName()).toList();
    assertEquals(List.of("dev.tfgraph.graph.activation.BuiltInActivations", "dev.tfgraph.graph.loss.BuiltInLosses",
        "dev.tfgraph.graph.metric.BuiltInMetrics", "dev.tfgraph.graph.optim.BuiltInOptimizers", Taker.class.getName()), names);
    var registry = LayerRegistry.load(withBuiltIns(user));
    assertEquals(List.of("sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy", "mse", "mae", "focal"),
        List.copyOf(registry.losses().keySet()));
    assertEquals(Optimizer.KINDS, List.copyOf(registry.optimizers().keySet()));
    assertEquals(List.of("accuracy", "mse", "mae"), List.copyOf(registry.metrics().keySet()));
  }

  @Test
  void aPluginTakingABuiltInsNameIsRegisteredTwice() {
    String[][] cases = {{"loss", "mse", "dev.tfgraph.graph.loss.BuiltInLosses"}, {"metric", "accuracy", "dev.tfgraph.graph.metric.BuiltInMetrics"},
        {"optimizer", "adam", "dev.tfgraph.graph.optim.BuiltInOptimizers"}, {"activation", "relu", "dev.tfgraph.graph.activation.BuiltInActivations"}};
    for (String[] c : cases) {
      BadInputException e = assertThrows(BadInputException.class, () -> LayerRegistry.load(withBuiltIns(new Taker(c[0], c[1]))));
      assertEquals(c[0] + " \"" + c[1] + "\" is registered twice: by " + c[2] + " and by " + Taker.class.getName()
          + "; remove one of them from the class path", e.getMessage());
    }
  }

  @Test
  void theRegistryOnTheClassPathHoldsTheBuiltIns() {
    assertEquals(Losses.NAMES, List.copyOf(LayerRegistry.losses().keySet()).subList(0, Losses.NAMES.size()));
    assertEquals(Optimizer.KINDS, List.copyOf(LayerRegistry.optimizers().keySet()).subList(0, Optimizer.KINDS.size()));
    assertTrue(LayerRegistry.metrics().keySet().containsAll(List.of("accuracy", "mse", "mae")), LayerRegistry.metrics().toString());
    assertEquals("adam", Optimizer.Config.of("adam", 1e-3).kind());
    assertEquals(dev.tfgraph.graph.optim.Adam.class, Optimizer.Config.of("adamw", 1e-3).rule().getClass());
  }
}
