package dev.tfgraph.layers;

import dev.tfgraph.layers.core.Dense;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import org.junit.jupiter.api.Test;

class DenseTest {
  @Test
  void forwardMatchesFloat64Reference() {
    LayerHarness.checkForward32("dense_relu");
    LayerHarness.checkForward32("dense_linear_nobias");
    LayerHarness.checkForward32("dense_softmax");
    LayerHarness.checkForward32("dense_rank3");   // Keras float64 (gen_keras_layers.py)
    LayerHarness.checkForward32("dense_rank4");
  }

  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("dense_linear_nobias", false);
    LayerHarness.checkGradients64("dense_softmax", false);
    LayerHarness.checkGradients64("dense_rank3", false);
    LayerHarness.checkGradients64("dense_rank4", false);
  }

  @Test
  void appliesToTheLastAxisOfAnyRank() {
    Layer l = Configs.layer("{'type': 'Dense', 'name': 'fc', 'units': 3}");
    assertEquals("[None, 4, 5, 3]", Shapes.show(l.build(Shapes.batchOf(4, 5, 7))));
    assertEquals("[7, 3]", Shapes.show(l.weights().get(0).shape()));
    Configs.roundTrip("{'type': 'Dense', 'name': 'fc', 'units': 3, 'activation': 'softmax'}", 2, 6);
  }

  @Test
  void configRoundTrips() {
    Configs.roundTrip("{'type': 'Dense', 'name': 'fc', 'units': 3, 'activation': 'relu', 'use_bias': false}", 5);
    Configs.specRoundTrip("{'type': 'Dense', 'name': 'fc', 'units': 3}", 5);
  }

  @Test
  void badConfigsAreNamed() {
    Configs.rejects("{'type': 'Dense', 'name': 'fc', 'units': 0}", "Dense 'fc'", "units", "positive", "0");
    Configs.rejects("{'type': 'Dense', 'name': 'fc', 'units': 2, 'activation': 'mish'}", "activation", "mish", "gelu");
    Configs.rejects("{'type': 'Dense', 'name': 'fc', 'units': 'two'}", "units", "integer", "\"two\"");
    Configs.rejects("{'type': 'Dense', 'name': 'fc', 'units': 2, 'unit': 3}", "unknown key", "unit");
    Configs.rejects("{'type': 'Dense', 'name': 'fc', 'units': 2}", new long[] {}, "Dense 'fc'", "rank 2 or more", "[None]");
    Configs.rejects("{'type': 'Dense', 'name': 'a/b', 'units': 2}", "name", "a/b");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    // units past MAX_UNITS: the config check states the bound
    Configs.refusesSpec("{'type': 'Dense', 'name': 'fc', 'units': 300000000}", new long[] {100000},
        "Dense 'fc'", "units", "<= 16777216", "300000000");
    // a kernel past one Java array: named with its shape and the limit
    Configs.refusesSpec("{'type': 'Dense', 'name': 'fc', 'units': 16777216}", new long[] {100000},
        "Dense 'fc'", "weight kernel", "[100000, 16777216]", "1,677,721,600,000", "2,147,483,639", "units");
    // the largest accepted units, on one feature
    Configs.acceptsSpec("{'type': 'Dense', 'name': 'fc', 'units': 16777216}", 2L * 16777216, 1);
  }
}
