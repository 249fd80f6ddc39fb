package dev.tfgraph.layers;

import dev.tfgraph.layers.normalization.BatchNormalization;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import dev.tfgraph.graph.runtime.Tensors;

class BatchNormalizationTest {
  @Test
  void inferenceUsesMovingStatistics() {
    LayerHarness.checkForward32("batchnorm_inference");
    LayerHarness.checkGradients64("batchnorm_inference", false);
  }

  @Test
  void trainingUsesBatchStatistics() {
    LayerHarness.checkForward32("batchnorm_training");
    LayerHarness.checkGradients64("batchnorm_training", false);
  }

  /** Float32 runs TF's fused kernel: its gradients against the float64 reference (PyTorch autograd). */
  @Test
  void fusedFloat32GradientsMatchTheReference() {
    for (String c : new String[] {"batchnorm_training", "batchnorm_inference"}) {
      try (LayerHarness h = new LayerHarness(c, TFloat32.class)) {
        boolean fused = false;
        for (var it = h.graph.operations(); it.hasNext(); ) fused |= it.next().type().equals("FusedBatchNormV3");
        assertTrue(fused, c + ": float32 uses the fused kernel");
        for (var e : h.gradients().entrySet()) {
          String key = e.getKey().equals("x") ? "dx" : "d_" + e.getKey();
          if (h.data.containsKey(key)) LayerHarness.assertClose(h.data.get(key).toDoubles(), e.getValue(), 1e-4, c + " float32 " + key);
        }
      }
    }
  }

  @Test
  void trainingUpdatesMovingAveragesWithBiasedVarianceInBothDtypes() {
    movingAverages(TFloat64.class, 1e-12);
    movingAverages(TFloat32.class, 1e-6);    // the fused kernel's own Bessel correction, undone
  }

  private static void movingAverages(Class<? extends org.tensorflow.types.family.TNumber> type, double tol) {
    try (LayerHarness h = new LayerHarness("batchnorm_training", type)) {
      assertEquals(2, h.updates.size());
      try (Tensor x = Tensors.of(type, Shape.of(h.data.get("x").shape()), h.x())) {
        var r = h.session.runner().feed(h.x, x);
        h.updates.forEach(r::addTarget);
        r.run().close();
      }
      var keys = List.copyOf(h.vars.keySet());
      try (Result r = h.session.runner().fetch(h.vars.get(keys.get(2))).fetch(h.vars.get(keys.get(3))).run()) {
        LayerHarness.assertClose(h.data.get("new_moving_mean").toDoubles(), Tensors.toDoubles(r.get(0)), tol, type.getSimpleName() + " moving_mean");
        // the fixture's new_moving_variance takes the unbiased batch variance v·n/(n − 1) (n = 3·4·4 positions); Keras 3 the
        // biased v: momentum·moving + (1 − momentum)·v = momentum·moving + (new − momentum·moving)·(n − 1)/n
        double[] unbiased = h.data.get("new_moving_variance").toDoubles(), moving = h.data.get("moving_variance").toDoubles();
        double n = 3 * 4 * 4, momentum = 0.99;
        double[] want = new double[unbiased.length];
        for (int i = 0; i < want.length; i++) want[i] = momentum * moving[i] + (unbiased[i] - momentum * moving[i]) * (n - 1) / n;
        LayerHarness.assertClose(want, Tensors.toDoubles(r.get(1)), tol, type.getSimpleName() + " moving_variance");
      }
    }
  }

  @Test
  void configRoundTripsAndRejectsBadValues() {
    Configs.roundTrip("{'type': 'BatchNormalization', 'name': 'bn', 'epsilon': 0.001, 'momentum': 0.9}", 4, 4, 5);
    Configs.roundTrip("{'type': 'BatchNormalization', 'name': 'bn', 'inference_mode': true}", 4, 4, 5);
    Configs.rejects("{'type': 'BatchNormalization', 'name': 'bn', 'inference_mode': 'yes'}", "inference_mode");
    Configs.rejects("{'type': 'BatchNormalization', 'name': 'bn', 'momentum': 1.5}", "momentum", "1.5");
    Configs.rejects("{'type': 'BatchNormalization', 'name': 'bn', 'epsilon': 0}", "epsilon", "> 0");
    // epsilon must stay non-zero and finite in float32
    Configs.rejects("{'type': 'BatchNormalization', 'name': 'bn', 'epsilon': 1e-320}", "BatchNormalization 'bn'", "epsilon", "[1.0E-30, 1000.0]");
    Configs.rejects("{'type': 'BatchNormalization', 'name': 'bn', 'epsilon': 1e300}", "epsilon", "[1.0E-30, 1000.0]", "1.0E300");
  }
}
