package dev.tfgraph.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.loss.Losses;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Validation and test metrics come from the graph's own loss and metric ops, in the model's dtype: a float64 model
 * whose outputs miss their targets by 1e-9 reports an mse near 1e-18, which float32 outputs (rounded by about
 * 6e-8 near 1) could never give.
 */
class GraphEvaluationTest {
  @Test
  void aFloat64ModelIsEvaluatedInFloat64() {
    Model m = Model.fromConfig("""
        {"name": "identity64", "input": {"name": "x", "shape": [null, 1], "dtype": "float64"},
         "layers": [{"type": "Affine", "name": "d", "units": 1}]}""");
    int n = 64;
    float[] x = new float[n];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + i / (float) n;
      t[i] = x[i];   // targets equal to the inputs in float32; the bias below moves the outputs by 1e-9
    }
    Dataset d = new Dataset(List.of(new Dataset.Input(null, x, new long[] {1})), null, new Dataset.Input(null, t, new long[] {1}));
    TrainOptions.Builder o = TrainOptions.builder();
    o.optimizer(Optimizer.Config.of("sgd", 1e-30));   // the weights stay where they are
    o.batchSize(n);
    o.epochs(1);
    o.progress(false);
    o.threads(1);
    Map<String, NpyArray> w = Map.of("d.kernel", NpyArray.ofDoubles(new long[] {1, 1}, new double[] {1}),
        "d.bias", NpyArray.ofDoubles(new long[] {1}, new double[] {1e-9}));
    try (Trainer tr = Trainer.builder(m, o.build()).loss(Losses.get("mse", 0)).build()) {
      TrainResult r = tr.fit(d, d, d, w);
      double val = r.history().get(0).valLoss(), test = r.test().loss();
      assertEquals(1e-18, val, 1e-20, "mse of outputs 1e-9 off, in float64");
      assertEquals(val, test, 0.0, "validation and test run the same ops");
      assertTrue(r.test().values().get("mae") > 9.9e-10 && r.test().values().get("mae") < 1.01e-9, r.test().values().toString());
    }
  }
}
