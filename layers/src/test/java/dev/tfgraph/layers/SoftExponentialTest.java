package dev.tfgraph.layers;

import dev.tfgraph.layers.softexp.SoftExponential;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat64;

class SoftExponentialTest {
  @Test
  void forwardMatchesFloat64ReferenceInEveryRegime() {
    LayerHarness.checkForward32("softexp_single");
    LayerHarness.checkForward32("softexp_doubled");
    LayerHarness.checkForward32("softexp_cap");
  }

  /** αx above 80 is capped: finite value ~e^80/α and finite gradients (against autograd only: see gen_layers.py). */
  @Test
  void expCapKeepsValuesAndGradientsFinite() {
    LayerHarness.checkGradients64("softexp_cap", false, false);
  }

  /** Includes α = 0 exactly and ±1e-3 ± 1e-5 on both sides, the log clamp and the exp cap. */
  @Test
  void gradientsMatchPyTorchAndFiniteDifferences() {
    LayerHarness.checkGradients64("softexp_single", false);
    LayerHarness.checkGradients64("softexp_doubled", false);
  }

  /** At α = 0, df/dα = 1 + x²/2 (a plain "α = 0: x" branch would give 0 and α would never move). */
  @Test
  void alphaGradientAtZeroIsOnePlusHalfXSquared() {
    try (LayerHarness h = new LayerHarness("softexp_single", TFloat64.class)) {
      double[] alpha = h.data.get("alpha").toDoubles();
      int zero = -1;
      for (int j = 0; j < alpha.length; j++) if (alpha[j] == 0) zero = j;
      assertTrue(zero >= 0, "the case has an α of exactly 0");
      double[] x = h.x(), g = h.data.get("g").toDoubles();
      int n = alpha.length, b = x.length / n;
      double want = 0;
      for (int i = 0; i < b; i++) want += g[i * n + zero] * (1 + x[i * n + zero] * x[i * n + zero] / 2);
      Map<String, double[]> grads = h.gradients();
      assertEquals(want, grads.get("alpha")[zero], 1e-9 * Math.max(1, Math.abs(want)));
    }
  }

  @Test
  void configRoundTripsAndRejectsBadAlphaInit() {
    Configs.roundTrip("{'type': 'SoftExponential', 'name': 'se', 'doubled': true, 'alpha_init': [-0.2, 0.3], 'alpha_l2': 0.01}", 5);
    Configs.roundTrip("{'type': 'SoftExponential', 'name': 'se', 'alpha_init': 0.5}", 5);
    Configs.rejects("{'type': 'SoftExponential', 'name': 'se', 'doubled': true, 'alpha_init': [1, 2, 3]}",
        "SoftExponential 'se'", "alpha_init has 3 values, expected 2", "doubled = true");
    Configs.rejects("{'type': 'SoftExponential', 'name': 'se', 'alpha_init': [1, 2]}", "alpha_init has 2 values, expected 1");
    Configs.rejects("{'type': 'SoftExponential', 'name': 'se', 'alpha_l2': -1}", "alpha_l2", "-1");
    // values that are infinite in float32
    Configs.rejects("{'type': 'SoftExponential', 'name': 'se', 'alpha_l2': 1e300}", "SoftExponential 'se'", "alpha_l2", "1000.0");
    Configs.rejects("{'type': 'SoftExponential', 'name': 'se', 'doubled': true, 'alpha_init': [-1e300, 0.1]}",
        "SoftExponential 'se'", "alpha_init", "[-1000.0, 1000.0]");
  }

  @Test
  void doubledDefaultsDiffer() {
    SoftExponential s = new SoftExponential("se", true);
    assertEquals(java.util.List.of(-0.1, 0.1), java.util.Arrays.stream((double[]) s.config().get("alpha_init")).boxed().toList());
  }
}
