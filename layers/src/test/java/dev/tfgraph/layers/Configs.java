package dev.tfgraph.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.LayerRegistry;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.Shapes;
import org.tensorflow.ndarray.Shape;

/** Shared checks every layer gets: config round trip and bad configs named precisely. */
final class Configs {
  static final ObjectMapper JSON = new ObjectMapper();

  private Configs() {}

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Layer layer(String json) {
    return LayerRegistry.fromConfig(parse(json), "test");
  }

  /** config() → JSON → fromConfig → config() is the identity, and the layer builds alike. */
  static void roundTrip(String json, long... inputDims) {
    Layer a = layer(json);
    JsonNode written = JSON.valueToTree(a.config());
    Layer b = LayerRegistry.fromConfig(written, "round trip");
    assertEquals(written, JSON.valueToTree(b.config()), "config round trip of " + json);
    Shape in = Shapes.batchOf(inputDims);
    assertEquals(Shapes.show(a.build(in)), Shapes.show(b.build(in)));
    assertEquals(a.weights().size(), b.weights().size());
  }

  /** Parsing (or building on inputDims) fails with a message containing every fragment. */
  static void rejects(String json, long[] inputDims, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> {
      Layer l = layer(json);
      if (inputDims != null) l.build(Shapes.batchOf(inputDims));
    });
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" should contain \"" + f + "\"");
    }
  }

  static void rejects(String json, String... fragments) {
    rejects(json, null, fragments);
  }

  static String spec(String layerJson, long... inputDims) {
    StringBuilder shape = new StringBuilder("[null");
    for (long d : inputDims) shape.append(", ").append(d);
    return ("{'format_version': 1, 'name': 'm', 'input': {'name': 'x', 'shape': " + shape + "], 'dtype': 'float32'}, 'layers': ["
        + layerJson + "]}").replace('\'', '"');
  }

  /**
   * Hostile sizes: a one-layer spec on inputDims is refused by Model.fromConfig, at build time, with
   * a BadInputException (exit 2) whose message contains every fragment; never an overflow
   * (ArithmeticException, exit 3) or an allocation.
   */
  static void refusesSpec(String layerJson, long[] inputDims, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> Model.fromConfig(spec(layerJson, inputDims)));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" should contain \"" + f + "\"");
    }
  }

  /** A one-layer spec at the limits builds, and its summary counts every parameter (never negative). */
  static Model acceptsSpec(String layerJson, long expectedParams, long... inputDims) {
    Model m = Model.fromConfig(spec(layerJson, inputDims));
    assertEquals(expectedParams, m.parameterCount());
    assertTrue(m.summary().contains(String.format(java.util.Locale.ROOT, "Total params: %,d", expectedParams)), m.summary());
    return m;
  }

  /** A one-layer model spec round trip through Model.fromConfig/config. */
  static void specRoundTrip(String layerJson, long... inputDims) {
    StringBuilder shape = new StringBuilder("[null");
    for (long d : inputDims) shape.append(", ").append(d);
    String spec = "{'format_version': 1, 'name': 'm', 'input': {'name': 'x', 'shape': " + shape + "], 'dtype': 'float32'}, 'layers': ["
        + layerJson + "]}";
    Model m = Model.fromConfig(spec.replace('\'', '"'));
    assertEquals(m.config(), Model.fromConfig(m.config()).config());
  }
}
