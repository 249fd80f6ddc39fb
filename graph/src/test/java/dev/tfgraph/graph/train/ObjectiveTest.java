package dev.tfgraph.graph.train;

import dev.tfgraph.graph.Synthetic;
import dev.tfgraph.graph.TestLayers.Affine;
import dev.tfgraph.graph.TestLayers.Scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.dist.ClusterSpec;
import dev.tfgraph.graph.dist.DataParallel;
import dev.tfgraph.graph.io.NpyArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TInt32;

/**
 * The data-parallel objective ({@link DataParallel}), in one process: replicas summing "their cross-entropies / n" (plus
 * the regularization once) give the single-process loss and gradients of the whole batch, also
 * with uneven shards. The cross-process version of this is DistributedTrainingTest.
 */
class ObjectiveTest {
  static final dev.tfgraph.graph.Loss SCE = dev.tfgraph.graph.loss.Losses.builtIn("sparse_categorical_crossentropy", 0);

  /** With an L2 term on the middle layer's weight: the regularization the replicas must add once. */
  static Model model() {
    return Model.builder("m", "x", 5).add(new Affine("fc", 8, "tanh", true))
        .add(new Scale("se", 8, 0.05, true)).add(new Affine("head", 3, "linear", true)).build();
  }

  @Test
  void replicatedLossAndGradientsEqualTheWholeBatch() {
    Dataset d = Synthetic.fourClasses(7, 5, 11); // 7 rows over 3 replicas: shards of 2, 2, 3
    int[] y = d.y().clone();
    for (int i = 0; i < y.length; i++) y[i] %= 3;
    Model m = model();
    float[] single;
    Map<String, NpyArray> w;
    try (ModelRuntime rt = ModelRuntime.open(ModelGraph.training(m), null)) {
      ModelGraph g = rt.graph();
      w = rt.initialValues(3);
      rt.setWeights(w);
      Objective o = Objective.single(g, weights(g), SCE, metrics());
      try (Tensor x = Tensors.rows(g.type(), m.input().shape(), d.x(), 0, 7, 5); TInt32 labels = Tensors.labels(y, 0, 7);
          Tensor seed = Tensors.seed(1, 0)) {
        Session.Runner r = rt.session().runner().feed(g.input(), x).feed(o.labels().get(0), labels).fetch(o.loss());
        o.metrics().forEach(r::fetch);
        if (g.stepSeed() != null) r.feed(g.stepSeed(), seed);
        o.gradients().forEach(r::fetch);
        single = flatten(r);
      }
    }
    float[] replicated;
    ClusterSpec three = ClusterSpec.resolve("{\"cluster\": {\"worker\": [\"127.0.0.1:1\", \"127.0.0.1:2\", \"127.0.0.1:3\"]}}");
    try (ModelRuntime rt = ModelRuntime.unopened(ModelGraph.training(m))) {
      ModelGraph g = rt.graph();
      Output<?>[] xs = weights(g);
      List<String> gradNames = new ArrayList<>();
      for (Output<?> v : xs) gradNames.add(v.op().name() + "__grad");
      Objective[] o = {new DataParallel(three, 0).objective(g, xs, SCE, metrics())};
      rt.relocate(def -> def, Session::new, () -> o[0] = o[0].relocated(g), (s, gr) -> {
        s.close();
        gr.close();
      });
      rt.setWeights(w);
      List<Tensor> feeds = new ArrayList<>();
      try {
        Session.Runner r = rt.session().runner();
        for (int i = 0; i < 3; i++) {
          int lo = 7 * i / 3, hi = 7 * (i + 1) / 3;
          Tensor x = Tensors.rows(g.type(), m.input().shape(), d.x(), lo, hi - lo, 5);
          TInt32 labels = Tensors.labels(y, lo, hi - lo);
          feeds.addAll(List.of(x, labels));
          r.feed(o[0].inputs().get(i).get(0), x).feed(o[0].labels().get(i), labels);
        }
        Tensor count = Tensors.of(g.type(), org.tensorflow.ndarray.Shape.scalar(), new double[] {7});
        Tensor seed = Tensors.seed(1, 0);
        feeds.addAll(List.of(count, seed));
        r.feed(o[0].exampleCount(), count).fetch(o[0].loss());
        o[0].metrics().forEach(r::fetch);
        if (g.stepSeed() != null) r.feed(g.stepSeed(), seed);
        gradNames.forEach(n -> r.fetch(n));
        replicated = flatten(r);
      } finally {
        feeds.forEach(Tensor::close);
      }
    }
    assertEquals(single.length, replicated.length);
    assertTrue(single[0] > 0.5, "a real loss: " + single[0]);
    assertTrue(single[1] < single[2], "accuracy below top-2 accuracy on an untrained model: " + single[1] + ", " + single[2]);
    for (int i = 0; i < single.length; i++) {
      assertEquals(single[i], replicated[i], 1e-6 * Math.max(1, Math.abs(single[i])), "value " + i + " (0 is the loss, 1 and 2 the metrics)");
    }
  }

  /** accuracy and top-2 accuracy: each metric's mean over the replicas' shards is the whole batch's. */
  private static List<dev.tfgraph.graph.Metric> metrics() {
    return List.of(dev.tfgraph.graph.metric.Metrics.builtIn("accuracy", SCE), dev.tfgraph.graph.metric.Metrics.builtIn("top_2_accuracy", SCE));
  }

  private static Output<?>[] weights(ModelGraph g) {
    return g.variables().values().stream().map(v -> v.asOutput()).toArray(Output<?>[]::new);
  }

  private static float[] flatten(Session.Runner r) {
    List<float[]> parts = new ArrayList<>();
    try (Result res = r.run()) {
      for (int i = 0; i < res.size(); i++) parts.add(Tensors.toFloats(res.get(i)));
    }
    return Tensors.concat(parts);
  }
}
