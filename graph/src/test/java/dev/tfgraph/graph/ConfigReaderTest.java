package dev.tfgraph.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
  static ConfigReader reader(String json) throws Exception {
    return new ConfigReader(new ObjectMapper().readTree(json.replace('\'', '"')), "L 'n'");
  }

  @Test
  void readsTypedValuesWithDefaults() throws Exception {
    ConfigReader r = reader("{'a': 3, 'b': 0.5, 'c': 'x', 'd': true, 'e': [2, 3], 'f': 4, 'g': [1, 2.5]}");
    assertEquals(3, r.integer("a", null));
    assertEquals(0.5, r.number("b", null));
    assertEquals("x", r.string("c", null));
    assertEquals(true, r.bool("d", false));
    assertArrayEquals(new int[] {2, 3}, r.pair("e", null));
    assertArrayEquals(new int[] {4, 4}, r.pair("f", null));
    assertArrayEquals(new double[] {1, 2.5}, r.numbers("g", null));
    assertEquals(7, r.integer("missing", 7));
    r.finish();
  }

  @Test
  void typeErrorsAndUnknownKeysNameTheKey() throws Exception {
    BadInputException e = assertThrows(BadInputException.class, () -> reader("{'a': 1.5}").integer("a", null));
    assertTrue(e.getMessage().equals("L 'n': a must be an integer, received 1.5"), e.getMessage());
    assertThrows(BadInputException.class, () -> reader("{'e': [1]}").pair("e", null));
    assertThrows(BadInputException.class, () -> reader("{}").string("c", null));
    ConfigReader r = reader("{'a': 1, 'zz': 2}");
    r.integer("a", null);
    e = assertThrows(BadInputException.class, r::finish);
    assertTrue(e.getMessage().contains("unknown key [zz]"), e.getMessage());
  }
}
