package dev.tfgraph.graph.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.dist.ClusterSpec;
import dev.tfgraph.graph.dist.DataParallel;
import dev.tfgraph.graph.loss.Losses;
import dev.tfgraph.graph.metric.Metrics;
import dev.tfgraph.graph.runtime.ModelGraph;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Output;

/**
 * The loss is assembled in one place ({@link Objective#shard}) for a single process and for each
 * replica, with the op names checkpoints, exported graphs and placement rely on.
 */
class ObjectiveShardTest {
  static final Loss SCE = Losses.builtIn("sparse_categorical_crossentropy", 0);

  @Test
  void singleProcessNamesItsLossLabelsAndMetrics() {
    try (ModelGraph g = ModelGraph.training(ObjectiveTest.model())) {
      Objective o = Objective.single(g, weights(g), SCE, metrics());
      assertEquals("loss", o.loss().op().name());
      assertEquals("labels", o.labels().get(0).op().name());
      assertEquals(List.of("metric_accuracy", "metric_top_2_accuracy"), o.metrics().stream().map(m -> m.op().name()).toList());
      assertNull(o.exampleCount());
      assertEquals(weights(g).length, o.gradients().size());
    }
  }

  @Test
  void eachReplicaIsAShardWithItsOwnLossAndLabels() {
    ClusterSpec two = ClusterSpec.resolve("{\"cluster\": {\"worker\": [\"127.0.0.1:1\", \"127.0.0.1:2\"]}}");
    try (ModelGraph g = ModelGraph.training(ObjectiveTest.model())) {
      Objective o = new DataParallel(two, 0).objective(g, weights(g), SCE, metrics());
      assertEquals("loss", o.loss().op().name());
      assertEquals("example_count", o.exampleCount().op().name());
      assertEquals(List.of("replica_0/labels", "replica_1/labels"), o.labels().stream().map(l -> l.op().name()).toList());
      assertNotNull(g.graph().operation("replica_0/loss"));
      assertNotNull(g.graph().operation("replica_1/loss"));
      assertEquals(List.of("metric_accuracy", "metric_top_2_accuracy"), o.metrics().stream().map(m -> m.op().name()).toList());
    }
  }

  private static List<Metric> metrics() {
    return List.of(Metrics.builtIn("accuracy", SCE), Metrics.builtIn("top_2_accuracy", SCE));
  }

  private static Output<?>[] weights(ModelGraph g) {
    return g.variables().values().stream().map(v -> v.asOutput()).toArray(Output<?>[]::new);
  }
}
