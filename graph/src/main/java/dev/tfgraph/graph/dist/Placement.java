package dev.tfgraph.graph.dist;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Where each op of a data-parallel training graph runs, written into the GraphDef's device fields
 * (TF-Java's addGradients gives gradient ops no device, and a device cannot be set on an op once
 * it exists, so the graph is built, rewritten, and imported again under the same names):
 * <ul>
 * <li>ops under {@code replica_<i>/} (replica i's forward pass, loss and gradients) on replica i's task;
 * <li>each variable, and every op named after it ({@code <var>__...}: optimizer slots, the
 *     gradient average, the value placeholder), on one parameter server, greedily by size
 *     (TF's GreedyLoadBalancingStrategy), or on the chief when the cluster has none;
 * <li>ops that update a variable through its reference (Assign, Apply*) without a device, so that
 *     TF's placer puts them with the variable, as it must;
 * <li>everything else (evaluation forward pass, learning rate, the step's NoOp) on the chief.
 * </ul>
 */
public final class Placement {
  private static final Set<String> REF_UPDATES = Set.of("Assign", "AssignAdd", "AssignSub", "ApplyGradientDescent",
      "ApplyMomentum", "ApplyAdam", "ScatterUpdate");

  private final List<String> replicaDevices;
  private final String chiefDevice;
  private final Map<String, String> variableDevices = new LinkedHashMap<>();

  /**
   * @param variables graph name → element count, in the model's order
   * @param psDevices parameter-server devices (empty: variables on the chief)
   * @param replicaDevices replica i's device at index i
   * @param chiefDevice the chief's device
   */
  public Placement(List<String> replicaDevices, String chiefDevice, Map<String, Long> variables, List<String> psDevices) {
    this.replicaDevices = List.copyOf(replicaDevices);
    this.chiefDevice = chiefDevice;
    long[] load = new long[psDevices.size()];
    for (Map.Entry<String, Long> v : variables.entrySet()) {
      if (psDevices.isEmpty()) {
        variableDevices.put(v.getKey(), chiefDevice);
        continue;
      }
      int best = 0;
      for (int i = 1; i < load.length; i++) if (load[i] < load[best]) best = i;
      load[best] += v.getValue();
      variableDevices.put(v.getKey(), psDevices.get(best));
    }
  }

  /**
   * The placement on a cluster's tasks (CPU devices).
   * @param cluster the cluster
   * @param variables graph name to element count, in the model's order
   * @return the placement
   */
  public static Placement of(ClusterSpec cluster, Map<String, Long> variables) {
    return new Placement(cluster.replicas().stream().map(ClusterSpec::device).toList(), ClusterSpec.device(cluster.chief()),
        variables, cluster.parameterServers().stream().map(ClusterSpec::device).toList());
  }

  /**
   * Variable graph name → device.
   * @return the devices, in the model's order
   */
  public Map<String, String> variableDevices() {
    return variableDevices;
  }

  /**
   * The device of one op (null: left to TF's placer, which colocates it with its variable).
   * @param name the op's name
   * @param opType the op's type, e.g. "MatMul"
   * @return the device, or null
   */
  public String deviceOf(String name, String opType) {
    if (REF_UPDATES.contains(opType)) return null;
    if (name.startsWith("replica_")) {
      int slash = name.indexOf('/');
      String idx = slash < 0 ? "" : name.substring("replica_".length(), slash);
      if (idx.matches("[0-9]{1,4}") && Integer.parseInt(idx) < replicaDevices.size()) return replicaDevices.get(Integer.parseInt(idx));
    }
    int sep = name.indexOf("__");
    while (sep > 0) {
      int end = name.indexOf("__", sep + 2);
      // the variable's name is layer__weight; its own ops are layer__weight or layer__weight__...
      String candidate = end < 0 ? name : name.substring(0, end);
      String d = variableDevices.get(candidate);
      if (d != null) return d;
      if (end < 0) break;
      sep = end;
    }
    String slashCut = name.contains("/") ? name.substring(0, name.indexOf('/')) : null;
    if (slashCut != null && variableDevices.containsKey(slashCut)) return variableDevices.get(slashCut);
    return chiefDevice;
  }

  /**
   * @param def the graph
   * @return a copy with every op's device set as {@link #deviceOf} says
   */
  public GraphDef apply(GraphDef def) {
    GraphDef.Builder b = def.toBuilder();
    for (int i = 0; i < b.getNodeCount(); i++) {
      NodeDef n = b.getNode(i);
      String d = deviceOf(n.getName(), n.getOp());
      b.setNode(i, n.toBuilder().setDevice(d == null ? "" : d));
    }
    return b.build();
  }
}
