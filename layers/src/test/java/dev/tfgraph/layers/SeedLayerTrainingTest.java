package dev.tfgraph.layers;

import dev.tfgraph.graph.Synthetic;
import dev.tfgraph.layers.bilinear.BilinearPooling;
import dev.tfgraph.layers.bilinear.L2Normalize;
import dev.tfgraph.layers.bilinear.MatrixSqrt;
import dev.tfgraph.layers.bilinear.SignedSqrt;
import dev.tfgraph.layers.convolutional.Conv2D;
import dev.tfgraph.layers.core.Dense;
import dev.tfgraph.layers.prototype.PrototypeKernel;
import dev.tfgraph.layers.reshaping.Flatten;
import dev.tfgraph.layers.softexp.SoftExponential;
import dev.tfgraph.layers.taylor.TaylorExpansion;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A small model per seed layer learns a synthetic task: a wrong gradient cannot hide. */
class SeedLayerTrainingTest {
  static TrainResult train(Model m, Dataset d, int epochs, double lr) {
    TrainOptions.Builder o = TrainOptions.builder();
    o.epochs(epochs);
    o.batchSize(32);
    o.progress(false);
    o.optimizer(dev.tfgraph.graph.optim.Optimizer.Config.of("adam", lr));
    try (Trainer t = new Trainer(m, o.build())) {
      return t.fit(d, null, d, null);
    }
  }

  /** First-epoch loss over last-epoch loss at least {@code factor}, and accuracy above chance. */
  static void learns(TrainResult r, double factor, double minAccuracy, String what) {
    double first = r.history().get(0).trainLoss(), last = r.history().get(r.history().size() - 1).trainLoss();
    assertTrue(first / last >= factor, what + ": loss fell only from " + first + " to " + last);
    assertTrue(r.test().accuracy() >= minAccuracy, what + ": accuracy " + r.test().accuracy());
  }

  @Test
  void taylorExpansionLearnsAPolynomialBoundary() {
    Model m = Model.builder("t", "x", 4).add(new TaylorExpansion("taylor", 3))
        .add(new Dense("head", 4, "softmax")).build();
    learns(train(m, Synthetic.fourClasses(512, 4, 1), 30, 0.03), 2, 0.85, "TaylorExpansion");
  }

  @Test
  void softExponentialLearnsAndMovesAlphaFromZero() {
    Model m = Model.builder("s", "x", 4).add(new Dense("fc", 16, "linear"))
        .add(new SoftExponential("se", false, new double[] {0.0}, 1e-4, true)).add(new Dense("head", 4, "softmax")).build();
    TrainResult r = train(m, Synthetic.fourClasses(512, 4, 2), 30, 0.02);
    learns(r, 2, 0.85, "SoftExponential");
    double moved = 0;
    for (double a : r.weights().get("se.alpha").toDoubles()) moved = Math.max(moved, Math.abs(a));
    assertTrue(moved > 1e-3, "α left 0: max |α| " + moved);
  }

  @Test
  void prototypeKernelLearnsAndKeepsPrototypesFixed() {
    Model m = Model.builder("p", "x", 4).add(new PrototypeKernel("proto", 12))
        .add(new Dense("head", 4, "softmax")).build();
    Dataset d = Synthetic.fourClasses(512, 4, 3);
    TrainOptions.Builder o = TrainOptions.builder();
    o.epochs(30);
    o.batchSize(32);
    o.progress(false);
    o.optimizer(dev.tfgraph.graph.optim.Optimizer.Config.of("adam", 0.03));
    try (Trainer t = new Trainer(m, o.build())) {
      TrainResult r = t.fit(d, null, d, null);
      learns(r, 1.5, 0.8, "PrototypeKernel");
      Map<String, NpyArray> w = r.weights();
      Map<String, double[]> adapted = ((PrototypeKernel) m.layer("proto")).adapt(d.x(), d.size(), d.y(), 4);
      assertArrayEquals(toFloat(adapted.get("prototypes")), w.get("proto.prototypes").toFloats(), "prototypes unchanged by training");
      assertArrayEquals(toFloat(adapted.get("scale")), w.get("proto.scale").toFloats(), "scale unchanged by training");
    }
  }

  @Test
  void improvedBilinearHeadLearnsWithEachSquareRoot() {
    for (String method : MatrixSqrt.METHODS) {
      Model m = Model.builder("ib", "x", 8, 8, 1)
          .add(new Conv2D("conv", 6, 3, "same", "relu"))
          .add(new BilinearPooling("bilinear", 1e-5, true))
          .add(new MatrixSqrt("sqrt", method))
          .add(new SignedSqrt("signed_sqrt"))
          .add(new Flatten("flatten"))
          .add(new L2Normalize("l2"))
          .add(new Dense("head", 4, "softmax")).build();
      TrainResult r = train(m, Synthetic.textures(256, 8, 8, 4), 15, 0.01);
      learns(r, 1.5, 0.9, "bilinear head with " + method);
    }
  }

  static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }
}
