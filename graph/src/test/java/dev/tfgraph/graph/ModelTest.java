package dev.tfgraph.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelTest {
  static String spec(String layers) {
    return ("{'format_version': 1, 'name': 'm', 'input': {'name': 'x', 'shape': [null, 3], 'dtype': 'float32'}, "
        + "'labels': ['a', 'b', 'c'], 'layers': [" + layers + "]}").replace('\'', '"');
  }

  static void rejects(String json, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> Model.fromConfig(json));
    for (String f : fragments) assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" lacks \"" + f + "\"");
  }

  @Test
  void specRoundTripsLosslessly() {
    Model m = Model.fromConfig(spec("{'type': 'Scale', 'name': 's1', 'width': 3}, {'type': 'Scale', 'name': 's2', 'width': 3, 'trainable': false}"));
    assertEquals(m.config(), Model.fromConfig(m.config()).config());
    assertEquals(2, m.weights().size());
    assertEquals(false, m.weights().get(1).trainable());
    assertTrue(m.summary().contains("s2 (Scale)") && m.summary().contains("Trainable params: 3"), m.summary());
  }

  @Test
  void errorsNameLayerKeyExpectedAndReceived() {
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}, {'type': 'Scale', 'name': 's', 'width': 3}"), "duplicate layer name", "\"s\"");
    rejects(spec("{'type': 'Conv9D', 'name': 's'}"), "layers[0]", "unknown layer type", "Conv9D");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 4}"), "Scale 's'", "expected 4 features", "[None, 3]");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3, 'widht': 3}"), "Scale 's'", "unknown key", "widht");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': '3'}"), "Scale 's'", "width", "integer", "\"3\"");
    rejects(spec("{'type': 'Scale', 'name': 'a.b', 'width': 3}"), "name", "a.b");
    rejects(spec("{'type': 'Scale', 'width': 3}"), "name", "required");
    rejects(spec("").replace("\"format_version\": 1", "\"format_version\": 2"), "format_version 2", "newer");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("\"labels\"", "\"lables\""), "unknown key", "lables");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("[\"a\", \"b\", \"c\"]", "[\"a\"]"), "labels has 1 names, expected 3");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("[null, 3]", "[4, 3]"), "shape", "[null, positive integers");
    rejects(spec("{'type': 'Scale', 'name': 's', 'width': 3}").replace("float32", "int8"), "dtype", "int8");
    rejects("{\"layers\": [", "not valid JSON", "line 1");
    rejects(spec(""), "layers must not be empty");
  }
}
