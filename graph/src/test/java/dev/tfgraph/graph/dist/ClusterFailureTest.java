package dev.tfgraph.graph.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterFailureTest {
  @Test
  void namesTheTasksThatDoNotAnswerAndKeepsTfsFirstLine() throws Exception {
    try (ServerSocket up = new ServerSocket(0)) {
      int down;
      try (ServerSocket s = new ServerSocket(0)) {
        down = s.getLocalPort();
      }
      ClusterSpec c = ClusterSpec.parse(new ObjectMapper().readTree("{\"cluster\": {\"worker\": [\"127.0.0.1:" + up.getLocalPort()
          + "\", \"127.0.0.1:" + down + "\"]}}"), "test");
      ClusterFailure f = ClusterFailure.of(c, "step 7", new RuntimeException("From /job:worker/replica:0/task:1:\n\nSocket closed\nmore"));
      assertEquals(List.of(new ClusterSpec.Task("worker", 1)), f.unreachable());
      assertTrue(f.getMessage().startsWith("cluster failure during step 7: task worker:1 (127.0.0.1:" + down + ") does not answer"), f.getMessage());
      assertTrue(f.getMessage().endsWith("[RuntimeException: Socket closed]"), f.getMessage());
    }
  }

  @Test
  void aTimeoutWithEveryTaskAnsweringSaysWhatItMayBe() throws Exception {
    try (ServerSocket up = new ServerSocket(0)) {
      ClusterSpec c = ClusterSpec.parse(new ObjectMapper().readTree("{\"cluster\": {\"worker\": [\"127.0.0.1:" + up.getLocalPort() + "\"]}}"), "test");
      ClusterFailure f = ClusterFailure.of(c, "step 3", new RuntimeException("Operation timed out."));
      assertTrue(f.unreachable().isEmpty());
      assertTrue(f.getMessage().contains("did not finish within the step timeout"), f.getMessage());
    }
  }
}
