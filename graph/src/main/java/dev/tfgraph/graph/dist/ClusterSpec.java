package dev.tfgraph.graph.dist;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.BoundedJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * A cluster in TF_CONFIG's shape: {@code {"cluster": {"chief": [..], "worker": ["host:port", ..],
 * "ps": [..]}, "task": {"type": "worker", "index": 0}}}. Jobs "chief", "worker" and "ps" only;
 * the chief is chief:0 if there is a chief job, else worker:0. Replicas (the tasks that compute
 * gradients) are the chief job's task followed by the workers, in order.
 */
public record ClusterSpec(Map<String, List<String>> jobs, Task task) {
  /** The job names a cluster may have. */
  public static final List<String> JOBS = List.of("chief", "worker", "ps");
  /** A cluster spec file or inline value: 1 MiB, thousands of tasks. */
  public static final int MAX_BYTES = 1 << 20;
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.\\-]{1,253}:[0-9]{1,5}|\\[[0-9A-Fa-f:.]{2,45}\\]:[0-9]{1,5}");

  /** One task of the cluster: job name and index. */
  public record Task(String job, int index) {
    @Override
    public String toString() {
      return job + ":" + index;
    }

    /**
     * "worker:1", "ps:0", or a bare index, which means a worker.
     * @param s the task
     * @return the task
     * @throws dev.tfgraph.graph.BadInputException if the job is not one of {@link #JOBS} or the index is not
     *     0 to 9999
     */
    public static Task parse(String s) {
      String t = s.trim();
      int colon = t.indexOf(':');
      String job = colon < 0 ? "worker" : t.substring(0, colon);
      String idx = colon < 0 ? t : t.substring(colon + 1);
      if (!JOBS.contains(job) || !idx.matches("[0-9]{1,4}")) {
        throw new BadInputException("task: expected JOB:INDEX with JOB one of " + JOBS + " (or a worker index), received " + s);
      }
      return new Task(job, Integer.parseInt(idx));
    }
  }

  /**
   * Copies the jobs.
   * @param jobs the addresses ("host:port") of each job's tasks, by job name
   * @param task this process's task, or null when not known
   */
  public ClusterSpec {
    jobs = Map.copyOf(jobs);
  }

  /**
   * The cluster option's value: a file, or the JSON itself when it starts with "{" (so that the value
   * {@code "$TF_CONFIG"} reads the environment variable TF users already set).
   * @param arg a file, or the JSON
   * @return the cluster
   * @throws dev.tfgraph.graph.BadInputException if the value is empty, the file cannot be read, or the JSON
   *     is not a valid cluster
   */
  public static ClusterSpec resolve(String arg) {
    if (arg == null || arg.isBlank()) {
      throw new BadInputException("cluster spec: expected a file or TF_CONFIG-shaped JSON, received an empty value (is $TF_CONFIG set?)");
    }
    if (!arg.strip().startsWith("{")) return read(Path.of(arg));
    if (arg.length() > MAX_BYTES) throw new BadInputException("cluster spec: larger than " + MAX_BYTES + " characters");
    return parse(BoundedJson.parse(arg, "cluster spec (inline JSON)"), "cluster spec (inline JSON)");
  }

  /**
   * A cluster spec file of at most {@link #MAX_BYTES}, within {@link BoundedJson}'s limits.
   * @param file the file
   * @return the cluster
   * @throws dev.tfgraph.graph.BadInputException if the file cannot be read or is not a valid cluster
   */
  public static ClusterSpec read(Path file) {
    return parse(BoundedJson.read(file, MAX_BYTES, "cluster spec " + file), "cluster spec " + file);
  }

  /**
   * A cluster from TF_CONFIG-shaped JSON: known jobs only, "host:port" addresses (port 1-65535) each once, a
   * worker or chief job, at most one chief; the task, if given, one of the cluster's.
   * @param root the JSON
   * @param where the source, as messages name it
   * @return the cluster
   * @throws dev.tfgraph.graph.BadInputException if the JSON is not such a cluster
   */
  public static ClusterSpec parse(JsonNode root, String where) {
    if (root == null || !root.isObject() || !root.path("cluster").isObject()) {
      throw new BadInputException(where + ": expected {\"cluster\": {\"worker\": [\"host:port\", ...], \"ps\": [...]}, \"task\": {...}}, received "
          + abbreviate(root));
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("cluster") && !k.equals("task") && !k.equals("environment")) {
        throw new BadInputException(where + ": unknown key \"" + k + "\" (expected cluster, task)");
      }
    }
    Map<String, List<String>> jobs = new LinkedHashMap<>();
    List<String> seen = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("cluster").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!JOBS.contains(e.getKey())) {
        throw new BadInputException(where + ": cluster job \"" + e.getKey() + "\" is not one of " + JOBS);
      }
      if (!e.getValue().isArray() || e.getValue().isEmpty()) {
        throw new BadInputException(where + ": cluster." + e.getKey() + " must be a non-empty list of \"host:port\", received " + e.getValue());
      }
      List<String> tasks = new ArrayList<>();
      for (JsonNode a : e.getValue()) {
        if (!a.isTextual() || !ADDRESS.matcher(a.asText()).matches() || port(a.asText()) < 1 || port(a.asText()) > 65535) {
          throw new BadInputException(where + ": cluster." + e.getKey() + "[" + tasks.size() + "] must be \"host:port\" (port 1-65535), received " + a);
        }
        if (seen.contains(a.asText())) throw new BadInputException(where + ": address " + a.asText() + " appears twice in the cluster");
        seen.add(a.asText());
        tasks.add(a.asText());
      }
      jobs.put(e.getKey(), tasks);
    }
    if (!jobs.containsKey("worker") && !jobs.containsKey("chief")) {
      throw new BadInputException(where + ": the cluster needs a \"worker\" (or \"chief\") job, received jobs " + jobs.keySet());
    }
    if (jobs.containsKey("chief") && jobs.get("chief").size() != 1) {
      throw new BadInputException(where + ": cluster.chief must have exactly one task, received " + jobs.get("chief").size());
    }
    Task task = null;
    JsonNode t = root.get("task");
    if (t != null && !t.isNull()) {
      if (!t.isObject() || !t.path("type").isTextual() || !t.path("index").canConvertToInt() || !t.path("index").isIntegralNumber()) {
        throw new BadInputException(where + ": task must be {\"type\": \"worker\", \"index\": 0}, received " + t);
      }
      task = new Task(t.get("type").asText(), t.get("index").asInt());
    }
    ClusterSpec c = new ClusterSpec(jobs, null);
    if (task != null) c.check(task, where);
    return new ClusterSpec(jobs, task);
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  private static String abbreviate(JsonNode n) {
    String s = String.valueOf(n);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /**
   * Throws unless the task is one of this cluster's.
   * @param t a task
   * @param where the message's start
   * @return t
   * @throws dev.tfgraph.graph.BadInputException if the cluster has no such job or index
   */
  public Task check(Task t, String where) {
    List<String> tasks = jobs.get(t.job());
    if (tasks == null) throw new BadInputException(where + ": task " + t + ": the cluster has no job \"" + t.job() + "\" (jobs: " + jobs.keySet() + ")");
    if (t.index() < 0 || t.index() >= tasks.size()) {
      throw new BadInputException(where + ": task " + t + " is outside the cluster: job " + t.job() + " has tasks 0.." + (tasks.size() - 1));
    }
    return t;
  }

  /**
   * @param t one of the cluster's tasks
   * @return this cluster with t as its own task
   * @throws dev.tfgraph.graph.BadInputException if t is not one of the cluster's
   */
  public ClusterSpec withTask(Task t) {
    return new ClusterSpec(jobs, check(t, "task"));
  }

  /**
   * @param t one of the cluster's tasks
   * @return its "host:port"
   * @throws dev.tfgraph.graph.BadInputException if t is not one of the cluster's
   */
  public String address(Task t) {
    return jobs.get(check(t, "cluster").job()).get(t.index());
  }

  /** @return chief:0 if there is a chief job, else worker:0 */
  public Task chief() {
    return jobs.containsKey("chief") ? new Task("chief", 0) : new Task("worker", 0);
  }

  /**
   * The tasks that compute gradients: the chief job's task, then every worker.
   * @return the tasks, in that order
   */
  public List<Task> replicas() {
    List<Task> out = new ArrayList<>();
    if (jobs.containsKey("chief")) out.add(new Task("chief", 0));
    for (int i = 0; i < jobs.getOrDefault("worker", List.of()).size(); i++) out.add(new Task("worker", i));
    return out;
  }

  /** @return the ps tasks, in order (empty without a ps job) */
  public List<Task> parameterServers() {
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < jobs.getOrDefault("ps", List.of()).size(); i++) out.add(new Task("ps", i));
    return out;
  }

  /** @return the replicas, then the parameter servers */
  public List<Task> all() {
    List<Task> out = new ArrayList<>(replicas());
    out.addAll(parameterServers());
    return out;
  }

  /**
   * The CPU device of a task, as TF's placer names it.
   * @param t a task
   * @return e.g. "/job:worker/replica:0/task:1/device:CPU:0"
   */
  public static String device(Task t) {
    return "/job:" + t.job() + "/replica:0/task:" + t.index() + "/device:CPU:0";
  }

  /** @return the cluster as TF's ClusterDef */
  public ClusterDef clusterDef() {
    ClusterDef.Builder b = ClusterDef.newBuilder();
    for (String job : JOBS) {
      List<String> tasks = jobs.get(job);
      if (tasks == null) continue;
      JobDef.Builder j = JobDef.newBuilder().setName(job);
      for (int i = 0; i < tasks.size(); i++) j.putTasks(i, tasks.get(i));
      b.addJob(j);
    }
    return b.build();
  }

  /**
   * @param t the task served
   * @return the ServerDef of a gRPC server for t
   * @throws dev.tfgraph.graph.BadInputException if t is not one of the cluster's
   */
  public ServerDef serverDef(Task t) {
    check(t, "cluster");
    return ServerDef.newBuilder().setCluster(clusterDef()).setJobName(t.job()).setTaskIndex(t.index()).setProtocol("grpc").build();
  }
}
