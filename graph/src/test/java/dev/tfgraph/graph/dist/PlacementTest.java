package dev.tfgraph.graph.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

class PlacementTest {
  static final String W0 = "/job:worker/replica:0/task:0/device:CPU:0", W1 = "/job:worker/replica:0/task:1/device:CPU:0";
  static final String PS0 = "/job:ps/replica:0/task:0/device:CPU:0", PS1 = "/job:ps/replica:0/task:1/device:CPU:0";

  static Placement twoByTwo() {
    Map<String, Long> vars = new LinkedHashMap<>();
    vars.put("fc__kernel", 1000L);
    vars.put("fc__bias", 10L);
    vars.put("head__kernel", 100L);
    vars.put("head__bias", 10L);
    return new Placement(List.of(W0, W1), W0, vars, List.of(PS0, PS1));
  }

  @Test
  void variablesAreSpreadGreedilyBySize() {
    Map<String, String> d = twoByTwo().variableDevices();
    assertEquals(PS0, d.get("fc__kernel"));    // ps0: 1000
    assertEquals(PS1, d.get("fc__bias"));      // ps1: 10
    assertEquals(PS1, d.get("head__kernel"));  // ps1: 110
    assertEquals(PS1, d.get("head__bias"));    // ps1: 120 < 1000
  }

  @Test
  void eachOpGoesWhereItsWorkIs() {
    Placement p = twoByTwo();
    assertEquals(W1, p.deviceOf("replica_1/fc_train/MatMul", "MatMul"));
    assertEquals(W1, p.deviceOf("replica_1/gradients/fc_train/MatMul_grad/MatMul", "MatMul"));
    assertEquals(W0, p.deviceOf("replica_0/labels", "Placeholder"));
    assertEquals(PS0, p.deviceOf("fc__kernel", "VariableV2"));
    assertEquals(PS0, p.deviceOf("fc__kernel__adam_m", "VariableV2"));
    assertEquals(PS0, p.deviceOf("fc__kernel__grad", "AddN"));
    assertEquals(PS1, p.deviceOf("head__bias__value", "Placeholder"));
    assertNull(p.deviceOf("ApplyAdam_3", "ApplyAdam"));   // TF colocates it with its variable
    assertNull(p.deviceOf("replica_0/bn_train/Assign", "Assign"));
    assertEquals(W0, p.deviceOf("output", "Identity"));   // evaluation runs on the chief
    assertEquals(W0, p.deviceOf("replica_9/x", "Identity"));   // not a replica of this cluster
  }

  @Test
  void withoutParameterServersTheChiefHoldsTheVariables() {
    Placement p = new Placement(List.of(W0, W1), W0, Map.of("fc__kernel", 5L), List.of());
    assertEquals(W0, p.deviceOf("fc__kernel__adam_v", "VariableV2"));
  }

  @Test
  void rewritesEveryNodeOfAGraphDef() {
    GraphDef g = GraphDef.newBuilder()
        .addNode(NodeDef.newBuilder().setName("fc__kernel").setOp("VariableV2").setDevice("/job:other"))
        .addNode(NodeDef.newBuilder().setName("replica_1/input").setOp("Placeholder"))
        .addNode(NodeDef.newBuilder().setName("Assign").setOp("Assign").setDevice("/job:other")).build();
    GraphDef r = twoByTwo().apply(g);
    assertEquals(PS0, r.getNode(0).getDevice());
    assertEquals(W1, r.getNode(1).getDevice());
    assertEquals("", r.getNode(2).getDevice());
  }
}
