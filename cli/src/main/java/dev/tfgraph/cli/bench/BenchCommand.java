package dev.tfgraph.cli.bench;

import dev.tfgraph.cli.options.ModelOptions;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.Trainer;
import dev.tfgraph.graph.runtime.Tensors;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TInt32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    header = "Times a model's training steps against a bare Session.run loop over the same graph.",
    description = {"Times training steps on synthetic data of the model's shape, after a warm-up, alternating",
        "tfgraph's step with a bare Session.run loop over the same graph; last stdout line is JSON."})
public final class BenchCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per training step, >= 1 (default ${DEFAULT-VALUE})") int batchSize = 128;
  @Option(names = "--steps", converter = Ranges.Positive.class, description = "timed steps per side, >= 1 (default ${DEFAULT-VALUE})") int steps = 20;
  @Option(names = "--warmup", converter = Ranges.NonNegative.class, description = "untimed steps first, >= 0 (default ${DEFAULT-VALUE})") int warmup = 3;
  @Option(names = "--device", description = "auto, cpu or gpu (default ${DEFAULT-VALUE})") String device = "auto";
  @Option(names = "--profile", description = "trace one step (RunOptions FULL_TRACE) and print where its time goes, by op type") boolean profile;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    Model m = model.model();
    TrainOptions.Builder o = TrainOptions.builder().batchSize(batchSize).device(device).progress(false);
    SplittableRandom r = new SplittableRandom(1);
    List<float[]> xs = new ArrayList<>();   // one batch of uniform [0, 1) values per model input
    for (InputSpec in : m.inputs()) {
      long es = Shapes.exampleSize(in.shape());
      if (batchSize > (Integer.MAX_VALUE - 16) / es) {
        throw new BadInputException("--batch-size " + batchSize + " times input '" + in.name() + "''s example size " + es + " exceeds the "
            + (Integer.MAX_VALUE - 16) + " floats one batch can hold; expected at most " + (Integer.MAX_VALUE - 16) / es);
      }
      float[] x = new float[Math.toIntExact(batchSize * es)];
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
      xs.add(x);
    }
    int[] y = new int[batchSize];
    for (int i = 0; i < y.length; i++) y[i] = r.nextInt(m.numOutputs());
    double[] lib = new double[steps], bare = new double[steps];
    Tensor[] xt = new Tensor[xs.size()];
    try (Trainer t = new Trainer(m, o.build()); TInt32 yt = Tensors.labels(y, 0, batchSize)) {
      for (int k = 0; k < xt.length; k++) {
        xt[k] = Tensors.rows(t.runtime().type(), m.inputs().get(k).shape(), xs.get(k), 0, batchSize, Shapes.exampleSize(m.inputs().get(k).shape()));
      }
      t.runtime().initialize(0);
      t.steps().initOptimizer();
      for (int i = 0; i < warmup; i++) t.steps().runStep(xt, yt, i, 1e-3);
      Session.Runner bareRunner = t.steps().bareRunner(xt, yt, 1e-3);
      for (int i = 0; i < steps; i++) {           // alternate, so drift hits both sides alike
        long a = System.nanoTime();
        t.steps().runStep(xt, yt, warmup + i, 1e-3);
        lib[i] = (System.nanoTime() - a) / 1e6;
        a = System.nanoTime();
        try (Result res = bareRunner.run()) {
          bare[i] = (System.nanoTime() - a) / 1e6;
        }
      }
      if (profile) {
        Session.Runner traced = t.steps().bareRunner(xt, yt, 1e-3).setOptions(org.tensorflow.proto.RunOptions.newBuilder()
            .setTraceLevel(org.tensorflow.proto.RunOptions.TraceLevel.FULL_TRACE).build());
        try (Result res = traced.runAndFetchMetadata()) {
          res.getMetadata().ifPresent(md -> printProfile(md.getStepStats()));
        }
      }
      t.steps().closeBare();
    } finally {
      for (Tensor x : xt) if (x != null) x.close();
    }
    double ms = median(lib), bareMs = median(bare);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", model.label() + (model.name != null && model.name.equals("ib-cnn") ? ":" + model.sqrt : ""));
    out.put("batch_size", batchSize);
    out.put("steps", steps);
    out.put("ms_per_step", Json.num(ms, 3));
    out.put("ms_per_step_p10", Json.num(pct(lib, 0.1), 3));
    out.put("ms_per_step_p90", Json.num(pct(lib, 0.9), 3));
    out.put("bare_ms_per_step", Json.num(bareMs, 3));
    out.put("examples_per_s", Json.num(batchSize * 1000.0 / ms, 1));
    out.put("overhead_pct", Json.num(100 * (ms - bareMs) / bareMs, 2));
    System.out.println(Json.line(out));
    return ExitCodes.OK;
  }

  /** Time per op type in one traced step (summed over devices and nodes), largest first, on stderr. */
  public static void printProfile(org.tensorflow.proto.StepStats stats) {
    Map<String, Long> byType = new java.util.HashMap<>();
    long total = 0;
    for (var dev : stats.getDevStatsList()) {
      for (var n : dev.getNodeStatsList()) {
        String label = n.getTimelineLabel();
        int eq = label.indexOf(" = "), paren = label.indexOf('(', Math.max(eq, 0));
        String type = eq >= 0 && paren > eq ? label.substring(eq + 3, paren) : n.getNodeName();
        long us = n.getAllEndRelMicros();
        byType.merge(type, us, Long::sum);
        total += us;
      }
    }
    final long sum = Math.max(total, 1);
    System.err.println("op type                         total µs   share");
    byType.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(20)
        .forEach(e -> System.err.printf(java.util.Locale.ROOT, "%-30s %9d  %5.1f%%%n", e.getKey(), e.getValue(), 100.0 * e.getValue() / sum));
  }

  public static double median(double[] v) {
    return pct(v, 0.5);
  }

  public static double pct(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[(int) Math.min(s.length - 1, Math.round(q * (s.length - 1)))];
  }
}
