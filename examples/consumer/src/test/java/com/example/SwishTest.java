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

  /** The user's loss: at γ = 0 it would be cross-entropy; with γ = 2 a confident right answer costs far less. */
  @Test
  void focalLossDownWeightsEasyExamples() {
    FocalLoss f = new FocalLoss();
    float[] logits = {4, 0, 0, 0.1f, 0, 0};
    double easy = f.perExample(logits, 0, 3, 0, null, false), hard = f.perExample(logits, 3, 3, 0, null, false);
    double ceEasy = -Math.log(Math.exp(4) / (Math.exp(4) + 2));
    assertEquals(Math.pow(1 - Math.exp(-ceEasy), 2) * ceEasy, easy, 1e-6);
    assertEquals(true, hard > 100 * easy);
    assertEquals(FocalLoss.class, dev.tfgraph.graph.LayerRegistry.losses().get("sparse_focal").getClass());
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
