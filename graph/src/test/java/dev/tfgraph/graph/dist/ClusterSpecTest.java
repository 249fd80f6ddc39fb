package dev.tfgraph.graph.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tfgraph.graph.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ServerDef;

class ClusterSpecTest {
  static ClusterSpec parse(String json) throws Exception {
    return ClusterSpec.parse(new ObjectMapper().readTree(json), "cluster.json");
  }

  static String error(String json) {
    return assertThrows(BadInputException.class, () -> parse(json)).getMessage();
  }

  @Test
  void readsTfConfigShape() throws Exception {
    ClusterSpec c = parse("{\"cluster\": {\"worker\": [\"127.0.0.1:2000\", \"127.0.0.1:2001\"], \"ps\": [\"10.0.0.2:2222\"]},"
        + " \"task\": {\"type\": \"worker\", \"index\": 1}}");
    assertEquals(new ClusterSpec.Task("worker", 1), c.task());
    assertEquals(new ClusterSpec.Task("worker", 0), c.chief());
    assertEquals(List.of(new ClusterSpec.Task("worker", 0), new ClusterSpec.Task("worker", 1)), c.replicas());
    assertEquals(List.of(new ClusterSpec.Task("ps", 0)), c.parameterServers());
    assertEquals("10.0.0.2:2222", c.address(new ClusterSpec.Task("ps", 0)));
    ServerDef d = c.serverDef(new ClusterSpec.Task("ps", 0));
    assertEquals("ps", d.getJobName());
    assertEquals("grpc", d.getProtocol());
    assertEquals(2, d.getCluster().getJobCount());
    assertEquals("/job:worker/replica:0/task:1/device:CPU:0", ClusterSpec.device(c.task()));
  }

  /** --cluster takes a file or the JSON itself, so that --cluster "$TF_CONFIG" works. */
  @Test
  void resolvesAFileOrInlineJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    String json = "{\"cluster\": {\"worker\": [\"h:1\", \"h:2\"]}, \"task\": {\"type\": \"worker\", \"index\": 1}}";
    java.nio.file.Path f = java.nio.file.Files.writeString(dir.resolve("cluster.json"), json);
    assertEquals(ClusterSpec.resolve(f.toString()), ClusterSpec.resolve("  " + json));
    assertEquals(new ClusterSpec.Task("worker", 1), ClusterSpec.resolve(json).task());
    assertTrue(assertThrows(BadInputException.class, () -> ClusterSpec.resolve("")).getMessage().contains("TF_CONFIG"));
    assertTrue(assertThrows(BadInputException.class, () -> ClusterSpec.resolve("{\"cluster\": ")).getMessage()
        .contains("cluster spec (inline JSON): not valid JSON"));
    assertTrue(assertThrows(BadInputException.class, () -> ClusterSpec.resolve(dir.resolve("none.json").toString()))
        .getMessage().contains("none.json"));
  }

  @Test
  void aChiefJobIsTheChiefAndTheFirstReplica() throws Exception {
    ClusterSpec c = parse("{\"cluster\": {\"chief\": [\"h:1\"], \"worker\": [\"h:2\"]}}");
    assertEquals(new ClusterSpec.Task("chief", 0), c.chief());
    assertEquals(List.of(new ClusterSpec.Task("chief", 0), new ClusterSpec.Task("worker", 0)), c.replicas());
    assertEquals(null, c.task());
  }

  @Test
  void taskOption() {
    assertEquals(new ClusterSpec.Task("ps", 0), ClusterSpec.Task.parse("ps:0"));
    assertEquals(new ClusterSpec.Task("worker", 3), ClusterSpec.Task.parse("3"));
    assertTrue(assertThrows(BadInputException.class, () -> ClusterSpec.Task.parse("evaluator:0")).getMessage().contains("evaluator:0"));
    assertThrows(BadInputException.class, () -> ClusterSpec.Task.parse("worker:-1"));
  }

  @Test
  void badSpecsNameWhatWasExpected() throws Exception {
    assertTrue(error("[1]").contains("expected {\"cluster\""));
    assertTrue(error("{\"cluster\": {\"ps\": [\"h:1\"]}}").contains("needs a \"worker\""));
    assertTrue(error("{\"cluster\": {\"worker\": []}}").contains("non-empty list"));
    assertTrue(error("{\"cluster\": {\"worker\": [\"nohost\"]}}").contains("cluster.worker[0] must be \"host:port\""));
    assertTrue(error("{\"cluster\": {\"worker\": [\"h:70000\"]}}").contains("port 1-65535"));
    assertTrue(error("{\"cluster\": {\"worker\": [\"h:1\", \"h:1\"]}}").contains("appears twice"));
    assertTrue(error("{\"cluster\": {\"evaluator\": [\"h:1\"]}}").contains("\"evaluator\" is not one of"));
    assertTrue(error("{\"cluster\": {\"worker\": [\"h:1\"]}, \"task\": {\"type\": \"worker\", \"index\": 4}}").contains("outside the cluster"));
    assertTrue(error("{\"cluster\": {\"worker\": [\"h:1\"]}, \"task\": {\"type\": \"ps\", \"index\": 0}}").contains("no job \"ps\""));
    assertTrue(error("{\"cluster\": {\"worker\": [\"h:1\"]}, \"task\": \"worker\"}").contains("task must be"));
    assertTrue(error("{\"cluster\": {\"worker\": [\"h:1\"]}, \"tasks\": {}}").contains("unknown key \"tasks\""));
    assertTrue(error("{\"cluster\": {\"chief\": [\"h:1\", \"h:2\"]}}").contains("exactly one task"));
  }

  /** Cluster files go through the same bounded JSON reader as specs: a limit, no devices, no repeated keys. */
  @Test
  void clusterFilesAreBoundedAndStrict(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path big = java.nio.file.Files.write(dir.resolve("big.json"), new byte[ClusterSpec.MAX_BYTES + 1]);
    assertTrue(assertThrows(BadInputException.class, () -> ClusterSpec.resolve(big.toString())).getMessage()
        .contains("limit of " + ClusterSpec.MAX_BYTES + " bytes"));
    if (java.nio.file.Files.exists(java.nio.file.Path.of("/dev/zero"))) {
      assertTrue(assertThrows(BadInputException.class, () -> ClusterSpec.resolve("/dev/zero")).getMessage().contains("not a regular file"));
    }
    assertTrue(assertThrows(BadInputException.class, () -> ClusterSpec.resolve("{\"cluster\": {\"worker\": [\"h:1\"], \"worker\": [\"h:2\"]}}"))
        .getMessage().contains("Duplicate field 'worker'"));
    assertTrue(assertThrows(BadInputException.class, () -> ClusterSpec.resolve("{\"cluster\": " + "[".repeat(2000)))
        .getMessage().contains("cluster spec (inline JSON): JSON over a limit"));
  }
}
