package dev.tfgraph.cli;

import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.graph.dist.Cluster;
import dev.tfgraph.graph.dist.ClusterSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Serves one task of a cluster (a worker or a parameter server) until the process is stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Starts TensorFlow's gRPC server for one task of a cluster and serve until stopped (Ctrl-C, SIGTERM).",
        "The chief runs: tfgraph train ... --cluster FILE. Prints one JSON line once serving."})
public final class WorkerCommand implements Callable<Integer> {
  @Option(names = "--cluster", required = true, paramLabel = "FILE|JSON",
      description = "a file or the JSON itself (--cluster \"$TF_CONFIG\"), TF_CONFIG-shaped: {\"cluster\": {\"worker\": [\"host:port\", ...], \"ps\": [...]}, \"task\": {\"type\": \"worker\", \"index\": 1}}")
  String cluster;
  @Option(names = "--task", paramLabel = "JOB:INDEX", description = "worker:1, ps:0, or a worker index (default: the file's task)")
  String task;
  @Option(names = "--threads", converter = Ranges.Threads.class, description = "this task's TF thread pools, in [0, 1024] (0: TF default, all cores)") int threads = 0;

  @Override
  public Integer call() throws InterruptedException {
    ClusterSpec c = ClusterSpec.resolve(cluster);
    if (task != null) c = c.withTask(ClusterSpec.Task.parse(task));
    if (c.task() == null) throw new dev.tfgraph.graph.BadInputException("worker: which task? give --task JOB:INDEX or a \"task\" in the cluster spec");
    Server s = Cluster.serve(c, c.task(), threads);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("task", c.task().toString());
    out.put("address", c.address(c.task()));
    out.put("device", ClusterSpec.device(c.task()));
    out.put("status", "serving");
    System.out.println(Json.line(out));
    System.out.flush();
    s.join();
    return ExitCodes.OK;
  }
}
