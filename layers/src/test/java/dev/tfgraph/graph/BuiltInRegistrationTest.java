package dev.tfgraph.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fat jar built without merging META-INF/services keeps one service file, often the user's:
 * the built-in layers must still be registered (they are loaded by name), and only once.
 */
class BuiltInRegistrationTest {
  static final class UsersOnly implements LayerFactory {
    @Override
    public Map<String, Parser> parsers() {
      return Map.of("Swish", (c, n, t) -> null);
    }
  }

  @Test
  void builtInsAreRegisteredWhenOnlyTheUsersServiceFileSurvived() {
    List<LayerFactory> all = LayerRegistry.withBuiltIns(List.of(new UsersOnly()), getClass().getClassLoader());
    var parsers = LayerRegistry.load(all).parsers();
    assertTrue(parsers.containsKey("Flatten") && parsers.containsKey("Dense") && parsers.containsKey("Swish"), parsers.keySet().toString());
  }

  @Test
  void builtInsListedByTheirServiceFileAreNotAddedTwice() {
    List<LayerFactory> found = LayerRegistry.withBuiltIns(List.of(), getClass().getClassLoader());
    // the graph module's losses, metrics and optimizers, then the layers
    assertEquals(LayerRegistry.GRAPH_BUILT_INS.size() + 1, found.size());
    assertEquals(LayerRegistry.BUILT_IN, found.get(found.size() - 1).getClass().getName());
    assertEquals(found, LayerRegistry.withBuiltIns(found, getClass().getClassLoader()));
  }
}
