package dev.tfgraph.layers;

import dev.tfgraph.layers.taylor.TaylorExpansion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tfgraph.graph.Shapes;
import org.junit.jupiter.api.Test;

class TaylorExpansionTest {
  @Test
  void forwardMatchesFloat64ReferenceWithZerosAndNegatives() {
    LayerHarness.checkForward32("taylor_order3");
    LayerHarness.checkForward32("taylor_order0");
  }

  @Test
  void gradientsAreFiniteAndExactAtZero() {
    LayerHarness.checkGradients64("taylor_order3", false);
    LayerHarness.checkGradients64("taylor_order0", false);
  }

  @Test
  void initialLayerIsTheIdentity() {
    TaylorExpansion t = new TaylorExpansion("t", 3);
    t.build(Shapes.batchOf(2));
    double[] a = t.weights().get(0).init().values(new long[] {2, 4}, null);
    double[] w = t.weights().get(1).init().values(new long[] {2, 4}, null);
    assertArrayEquals(new double[] {0, 1, 0, 0, 0, 1, 0, 0}, a);
    assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25}, w);
    // y = Σ_p w_p Σ_{q≤p} a_q x^q = x·(w1 + w2 + w3) = 0.75 x: non-zero, and every a and w gets a gradient
  }

  @Test
  void configRoundTripsAndRejectsBadOrderAndRank() {
    Configs.roundTrip("{'type': 'TaylorExpansion', 'name': 't', 'order': 4}", 6);
    Configs.rejects("{'type': 'TaylorExpansion', 'name': 't', 'order': -1}", "TaylorExpansion 't'", "order", ">= 0", "-1");
    Configs.rejects("{'type': 'TaylorExpansion', 'name': 't', 'order': 2}", new long[] {4, 4, 1}, "rank 2", "[None, 4, 4, 1]");
    Configs.rejects("{'type': 'TaylorExpansion', 'name': 't'}", "order", "required");
  }

  @Test
  void hostileSizesAreRefusedAtBuildTime() {
    // order 2^31 - 1 made P + 1 overflow and the summary show a negative parameter count
    Configs.refusesSpec("{'type': 'TaylorExpansion', 'name': 't', 'order': 2147483647}", new long[] {8},
        "TaylorExpansion 't'", "order", "<= 1024", "2147483647");
    // the expansion [batch, n, P+1] past the activation limit, refused at build time
    Configs.refusesSpec("{'type': 'TaylorExpansion', 'name': 't', 'order': 1024}", new long[] {1000000},
        "TaylorExpansion 't'", "powers", "[None, 1000000, 1025]", "268,435,456", "order");
    // at the limit: a and w are [8, 1025] each
    Configs.acceptsSpec("{'type': 'TaylorExpansion', 'name': 't', 'order': 1024}", 2L * 8 * 1025, 8);
  }
}
