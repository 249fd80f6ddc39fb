package dev.tfgraph.cli;

import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.Json;
import dev.tfgraph.cli.output.LearningCurve;
import dev.tfgraph.cli.output.Metrics;
import dev.tfgraph.export.Exporter;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.dist.Cluster;
import dev.tfgraph.graph.dist.ClusterSpec;
import dev.tfgraph.graph.dist.RestartPolicy;
import dev.tfgraph.graph.io.IoErrors;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.train.TrainResult;
import dev.tfgraph.graph.train.Trainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * One {@code train} command's run, once {@link TrainCommand} has read its flags: the trainer assembled (here, or as
 * the chief of the cluster {@code c}, restarted as --on-failure says), then the results written: weights, export,
 * the JSON line, the plot.
 */
final class TrainRun {
  private final TrainCommand cmd;
  private final TrainOptions o;
  private final Loss lossFn;
  private final List<Metric> metrics;
  private final ClusterSpec c;

  TrainRun(TrainCommand cmd, TrainOptions o, Loss lossFn, List<Metric> metrics, ClusterSpec c) {
    this.cmd = cmd;
    this.o = o;
    this.lossFn = lossFn;
    this.metrics = metrics;
    this.c = c;
  }

  /** Trains {@code m} (with an image folder's class names as labels) by {@code fit}, and writes the results. */
  Integer run(Model m, Function<Trainer, TrainResult> fit, int examples, IntSupplier skipped) {
    if (cmd.summary) System.err.print(m.summary());
    TrainResult r;
    int restarts = 0;
    Trainer.Builder trainer = Trainer.builder(m, o).loss(lossFn).metrics(metrics);
    if (c != null) {
      RestartPolicy policy = cmd.onFailure.equals("wait") ? RestartPolicy.waitFor(cmd.waitTimeout * 1000) : RestartPolicy.stop();
      trainer.strategy(Cluster.startChief(c, o.checkpointDir(), o.threads(), o.progress(), cmd.stepTimeout * 1000, policy.onFailure(),
          cmd.connectTimeout * 1000));
      RestartPolicy.Outcome<TrainResult> run = policy.train(c, trainer, fit);
      r = run.result();
      restarts = run.restarts();
    } else {
      try (Trainer t = trainer.build()) {
        r = fit.apply(t);
      }
    }
    if (!cmd.quiet && (r.stopReason().equals("already_completed") || r.history().isEmpty() && r.stopReason().equals("early_stopping"))) {
      System.err.println("tfgraph: nothing left to train: the checkpoint in " + o.checkpointDir() + " ends a finished run ("
          + (r.stopReason().equals("early_stopping") ? "early stopping" : "all " + o.epochs() + " epochs")
          + "); evaluating and writing the outputs from its weights (raise --epochs to train further)");
    }
    return write(m, r, summary(m, r, examples, skipped, restarts));
  }

  /** The JSON summary's fields, before the outputs are written. */
  private Map<String, Object> summary(Model m, TrainResult r, int examples, IntSupplier skipped, int restarts) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", m.name());
    if (cmd.model.spec != null) out.put("spec", cmd.model.spec.toString());
    if (cmd.keras != null) out.put("keras_file", cmd.keras.toString());
    if (cmd.cutAt != null) out.put("cut_at", cmd.cutAt);
    out.put("epochs", r.history().size());
    out.put("steps", r.steps());
    out.put("seconds", Json.num(r.seconds(), 3));
    out.put("ms_per_step", Json.num(r.msPerStep(), 3));
    out.put("data_wait_pct", Json.num(r.dataWaitPct(), 3));
    out.put("loss", lossFn.name());
    out.put("train_loss", Json.num(r.trainLoss(), 6));
    Metrics.summary(out, r);
    if (o.validationSplit() > 0) Metrics.validation(out, r);
    out.put("examples", examples);
    out.put("data", cmd.data.describe());
    out.put("stop", r.stopReason());
    if (skipped != null) out.put("skipped_images", skipped.getAsInt());
    if (cmd.history != null) out.put("history", cmd.history.toString());
    if (c != null) {
      out.put("replicas", c.replicas().size());
      out.put("parameter_servers", c.parameterServers().size());
      out.put("restarts", restarts);
    }
    return out;
  }

  /** The results first (weights, export, the JSON line), then what is optional: a plot that fails loses nothing. */
  private Integer write(Model m, TrainResult r, Map<String, Object> out) {
    if (cmd.saveWeights != null) {
      try {
        Npz.write(cmd.saveWeights, r.weights());
      } catch (java.io.IOException e) {
        throw new RunFailedException("cannot write " + cmd.saveWeights + ": " + IoErrors.describe(cmd.saveWeights, e), e);
      }
      out.put("weights", cmd.saveWeights.toString());
    }
    if (cmd.export != null) {
      Map<String, Object> prov = new LinkedHashMap<>(out);
      Exporter.Result e = Exporter.export(m, r.weights(), cmd.export, null, prov, new Exporter.Options(cmd.imageInput, cmd.warmup));
      out.put("export", e.dir().toString());
    }
    RunFailedException plotFailed = null;
    if (cmd.plot != null) {
      try {
        LearningCurve.write(cmd.plot, cmd.model.label(), r.fullHistory());
        out.put("plot", cmd.plot.toString());
      } catch (RuntimeException e) {
        plotFailed = new RunFailedException((e.getMessage() == null ? "cannot write --plot " + cmd.plot : e.getMessage())
            + (out.containsKey("weights") || out.containsKey("export") ? "; the weights and the export were written" : ""), e);
        out.put("plot", null);
      }
    }
    System.out.println(Json.line(out));
    if (plotFailed != null) throw plotFailed;
    return ExitCodes.OK;
  }
}
