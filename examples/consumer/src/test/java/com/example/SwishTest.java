package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Model;
import dev.tfgraph.testkit.LayerCheck;
import org.junit.jupiter.api.Test;

class SwishTest {
  @Test
  void passesLayerCheck() {
    // Config round trip through the registry, float64 gradients of x and β against finite
    // differences, export and reload with equal outputs.
    LayerCheck.of(new Swish("swish", 0.7), 6).check();
  }

  @Test
  void loadsFromASpecWithTheUsersActivation() {
    String spec = """
        {"name": "m", "input": {"name": "x", "shape": [null, 4], "dtype": "float32"},
         "layers": [{"type": "Dense", "name": "fc", "units": 3, "activation": "mish"},
                    {"type": "Swish", "name": "s", "beta_init": 0.5}]}""";
    Model m = Model.fromConfig(spec);
    assertEquals(m.config(), Model.fromConfig(m.config()).config());
  }
}
