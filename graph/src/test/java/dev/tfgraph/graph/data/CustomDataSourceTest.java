package dev.tfgraph.graph.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A data source of the user's own (here: examples computed on the fly, as a database cursor would hand them out),
 * three methods long, trains and validates like arrays in memory: the same seeded order, so the same weights.
 */
class CustomDataSourceTest {
  /** Two classes of points on a line: x in [0, 1) is class 0, x in [1, 2) class 1, made when a batch is asked for. */
  static final class Generated implements DataSource {
    final int n;

    Generated(int n) {
      this.n = n;
    }

    @Override
    public int size() {
      return n;
    }

    @Override
    public String describe() {
      return n + " generated points";
    }

    @Override
    public Reader batches(int epoch, long seed, boolean shuffle, int batchSize) {
      return DataSource.byPosition(n, epoch, seed, shuffle, batchSize, (order, from, k) -> {
        float[] x = new float[k];
        int[] y = new int[k];
        for (int i = 0; i < k; i++) {
          int row = order[from + i];
          y[i] = row % 2;
          x[i] = y[i] + (row / 2) / (float) n;
        }
        return new Dataset(x, y, new long[] {1});
      });
    }
  }

  /** The same examples as arrays in memory: every row of the source, in order. */
  static Dataset inMemory(int n) {
    return new Generated(n).batches(0, 0, false, n).next();
  }

  @Test
  void aSourceOfYourOwnTrainsAsTheSameArraysInMemory() {
    Model m = Model.fromConfig("""
        {"name": "line", "input": {"name": "x", "shape": [null, 1], "dtype": "float32"},
         "layers": [{"type": "Affine", "name": "h", "units": 8, "activation": "tanh"},
                    {"type": "Affine", "name": "out", "units": 2, "activation": "softmax"}]}""");
    TrainOptions.Builder o = TrainOptions.builder();
    o.optimizer(Optimizer.Config.of("adam", 0.05));
    o.batchSize(16);
    o.epochs(5);
    o.progress(false);
    o.threads(1);
    TrainResult mine, arrays;
    try (Trainer t = new Trainer(m, o.build())) {
      mine = t.fit(new Generated(200), new Generated(40), null, null);
    }
    try (Trainer t = new Trainer(m, o.build())) {
      arrays = t.fit(inMemory(200), inMemory(40), null, null);
    }
    assertEquals(arrays.history().get(4).valLoss(), mine.history().get(4).valLoss(), 0.0, "the same batches, the same run");
    assertTrue(mine.history().get(4).valAccuracy() > 0.9, "it learns: " + mine.history().get(4));
    assertEquals(List.copyOf(arrays.weights().keySet()), List.copyOf(mine.weights().keySet()));
    for (String k : arrays.weights().keySet()) {
      assertTrue(java.util.Arrays.equals(arrays.weights().get(k).toFloats(), mine.weights().get(k).toFloats()), k);
    }
  }
}
