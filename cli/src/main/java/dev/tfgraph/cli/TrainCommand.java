package dev.tfgraph.cli;

import dev.tfgraph.cli.options.DataOptions;
import dev.tfgraph.cli.options.ImageLabels;
import dev.tfgraph.cli.options.InputShapeOption;
import dev.tfgraph.cli.options.ModelOptions;
import dev.tfgraph.cli.options.OutputPaths;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.optim.Optimizer;
import dev.tfgraph.graph.train.TrainOptions;
import dev.tfgraph.graph.dist.ClusterSpec;
import dev.tfgraph.graph.runtime.WeightCheck;
import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.data.ImageStream;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    header = "Trains a model on arrays, image folders or TFRecords; can save, export and test it after.",
    description = {"The loss (--loss) is sparse_categorical_crossentropy (default), categorical_crossentropy,",
        "binary_crossentropy, mse, mae or a registered one, mean over the batch, plus the layers' regularization terms.",
        "Progress goes to stderr; the last stdout line is a JSON summary."})
public final class TrainCommand implements Callable<Integer> {
  @Mixin InputShapeOption inputShape;
  @Mixin ModelOptions model;
  @Mixin DataOptions data;
  @Option(names = "--keras", paramLabel = "FILE", description = "train a Keras model file (.keras, or a full-model .h5) from its weights; instead of --model, --spec and --weights") Path keras;
  @Option(names = "--freeze-to", paramLabel = "NAME", description = "with --keras: freeze the file's layers up to and including NAME, in the file's layer order (Keras' model.layers[:i+1])") String freezeTo;
  @Option(names = "--cut-at", paramLabel = "NAME", description = "with --model ib-keras and --keras: the Keras layer whose output [batch, height, width, channels] feeds the improved bilinear head; it and its ancestors are the backbone, with the file's weights (frozen unless --no-freeze, --freeze or --freeze-to)") String cutAt;
  @Option(names = "--preprocess", paramLabel = "MODE", description = "with --keras: put the pixel preprocessing the file's model expects in front, so that [0, 1] RGB (image folders, serving_images) suits it: caffe, torch, tf (Keras' preprocess_input), raw255 (times 255) or none (default none)") String preprocess;
  @Option(names = "--epochs", converter = Ranges.Positive.class, description = "passes over the training data, >= 1 (default ${DEFAULT-VALUE})") int epochs = 1;
  @Option(names = "--batch-size", converter = Ranges.Positive.class, description = "examples per training step, >= 1 (default ${DEFAULT-VALUE})") int batchSize = 128;
  @Option(names = "--optimizer", description = "sgd, momentum, nesterov, adam, adamw, or a registered one (LayerFactory.optimizers) (default ${DEFAULT-VALUE})") String optimizer = "adam";
  @Option(names = "--weight-decay", converter = Ranges.NonNegativeFinite.class, description = "adamw's decoupled weight decay, in [0, 1] (default 0.004, Keras')")
  Double weightDecay;
  @Option(names = "--warmup-epochs", converter = Ranges.NonNegative.class, description = "learning-rate warm-up: ramp the learning rate linearly over the first N epochs, before any schedule (default ${DEFAULT-VALUE}; not --warmup)")
  int warmupEpochs = 0;
  @Option(names = "--loss", description = "sparse_categorical_crossentropy (integer labels), categorical_crossentropy, binary_crossentropy, mse, mae (float targets from --y), or a registered one (default ${DEFAULT-VALUE})")
  String loss = dev.tfgraph.graph.loss.Losses.DEFAULT;
  @Option(names = "--metrics", split = ",", paramLabel = "NAME", description = "metrics reported per epoch and in the JSON summary, comma-separated: accuracy, top_<k>_accuracy, mse, mae or a registered one (default: accuracy, with top_5_accuracy past 5 classes; mse,mae for regression)")
  java.util.List<String> metrics;
  @Option(names = "--label-smoothing", converter = Ranges.NonNegativeFinite.class, description = "label smoothing as Keras applies it, in [0, 1), for the cross-entropies of float targets (default ${DEFAULT-VALUE})")
  double labelSmoothing = 0;
  @Option(names = "--learning-rate", converter = Ranges.PositiveFinite.class, description = "the optimizer's step size (before any schedule or warm-up), finite, > 0 (default ${DEFAULT-VALUE})") double learningRate = 1e-3;
  @Option(names = "--momentum", converter = Ranges.Momentum.class, description = "for --optimizer momentum and nesterov, in [0, 1] (default ${DEFAULT-VALUE})") double momentum = 0.9;
  @Option(names = "--clip-norm", converter = Ranges.NonNegativeFinite.class, description = "clip gradients to this global norm, finite, >= 0 (0: off)") double clipNorm = 0;
  @Option(names = "--schedule", description = "constant, step or cosine (default ${DEFAULT-VALUE})") String schedule = "constant";
  @Option(names = "--step-epochs", converter = Ranges.Positive.class, description = "step schedule: multiply by --gamma every N epochs, N >= 1 (default ${DEFAULT-VALUE})") int stepEpochs = 10;
  @Option(names = "--gamma", converter = Ranges.Gamma.class, description = "step schedule factor, in (0, 1] (default ${DEFAULT-VALUE})") double gamma = 0.1;
  @Option(names = "--validation-split", converter = Ranges.Split.class, description = "fraction of training data held out for validation, in [0, 0.5]; must leave at least one row on each side (default 0)") double validationSplit = 0;
  @Option(names = "--patience", converter = Ranges.NonNegative.class, description = "early stopping after N epochs without val_loss progress, N >= 0 (0: off; needs --validation-split)") int patience = 0;
  @Option(names = "--seed", converter = Ranges.AnyLong.class, description = "seed of the initial weights, the shuffle, dropout and augmentation (default ${DEFAULT-VALUE})") long seed = 0;
  @Option(names = "--no-shuffle", description = "take batches in file order") boolean noShuffle;
  @Option(names = "--augment", description = "none, or flip: mirror each training image left-right with probability 1/2, seeded (default ${DEFAULT-VALUE})") String augment = "none";
  @Option(names = "--save-weights", paramLabel = "FILE.npz", description = "after training, write the weights to this .npz, keyed <layer>.<weight>") Path saveWeights;
  @Option(names = "--export", paramLabel = "BASE", description = "export a SavedModel version under BASE after training") Path export;
  @Option(names = "--image-input", description = "with --export: add the serving_images signature (see export --help)") boolean imageInput;
  @Option(names = "--warmup", paramLabel = "N", converter = Ranges.NonNegative.class, description = "serving warm-up, with --export: write N sample predict requests that TF Serving replays when it loads the model, in [0, 1000] (default 0; not --warmup-epochs)") int warmup;
  @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "checkpoint every epoch here") Path checkpointDir;
  @Option(names = "--resume", description = "continue from the last checkpoint in --checkpoint-dir") boolean resume;
  @Option(names = "--overwrite-checkpoints", description = "start over in a --checkpoint-dir that holds another run's checkpoints: this run's first checkpoint replaces them") boolean overwriteCheckpoints;
  @Option(names = "--history", paramLabel = "FILE.json", description = "write the per-epoch history here after every epoch: one object per epoch (epoch, loss, metrics, val_loss, val_<metric>, learning_rate, seconds)") Path history;
  @Option(names = "--threads", converter = Ranges.Threads.class, description = "TensorFlow threads, in [0, 1024]; 0: TF's default; 1: single-threaded, bit-reproducible") int threads = 0;
  @Option(names = "--device", description = "auto, cpu or gpu (default ${DEFAULT-VALUE})") String device = "auto";
  @Option(names = "--max-steps", converter = Ranges.NonNegativeLong.class, description = "stop after N steps in all, N >= 0 (0: no limit)") long maxSteps = 0;
  @Option(names = "--logdir", paramLabel = "DIR", description = "TensorBoard event files (loss, metrics, learning rate per step; held-out metrics and weight histograms per epoch)") Path logdir;
  @Option(names = "--plot", paramLabel = "FILE.png", description = "learning-curve PNG, written after the weights and the export (if it fails, they are kept; exit 3)") Path plot;
  @Option(names = "--quiet", description = "no progress bar") boolean quiet;
  @Option(names = "--summary", description = "print the model summary to stderr") boolean summary;
  @Option(names = "--verbose", description = "stack traces on errors") boolean verbose;
  @Option(names = "--cluster", paramLabel = "FILE|JSON", description = "train data-parallel on this TF cluster: a file or the JSON itself, TF_CONFIG-shaped (--cluster \"$TF_CONFIG\" works); this process is the chief, the other tasks run `tfgraph worker`") String cluster;
  @Option(names = "--task", paramLabel = "JOB:INDEX", description = "with --cluster: this process's task, which must be the chief (default: the file's task, else the chief)") String task;
  @Option(names = "--on-failure", description = "with --cluster, when a task stops answering: stop (exit 3, naming it) or wait (for it to come back, then resume from the last checkpoint) (default ${DEFAULT-VALUE})") String onFailure = "stop";
  @Option(names = "--connect-timeout", paramLabel = "SECONDS", converter = Ranges.Timeout.class, description = "with --cluster: how long to wait for every task at start, in [1, 86400] (default ${DEFAULT-VALUE})") long connectTimeout = 120;
  @Option(names = "--wait-timeout", paramLabel = "SECONDS", converter = Ranges.Timeout.class, description = "with --on-failure wait: how long to wait for a lost task, in [1, 86400] (default ${DEFAULT-VALUE})") long waitTimeout = 600;
  @Option(names = "--step-timeout", paramLabel = "SECONDS", converter = Ranges.StepTimeout.class, description = "with --cluster: a step that takes longer fails, in [0, 86400] (0: no limit; default ${DEFAULT-VALUE})") long stepTimeout = 600;


  /** The number of classes a model of output [batch, K] tells (0 for any other output). */
  static int classes(Model m) {
    var s = m.outputShape();
    return s.numDimensions() == 2 && s.get(1) > 0 ? Math.toIntExact(s.get(1)) : 0;
  }

  @Override
  public Integer call() {
    OutputPaths.file("--save-weights", saveWeights);   // every output checked before any work
    OutputPaths.folder("--export", export);
    OutputPaths.folder("--checkpoint-dir", checkpointDir);
    OutputPaths.folder("--logdir", logdir);
    OutputPaths.file("--plot", plot);
    OutputPaths.file("--history", history);
    model.keras = keras;
    inputShape.requireKeras(keras != null);
    model.kerasInputShapes = inputShape.shapes();
    model.kerasFreezeTo = freezeTo;
    model.kerasPreprocess = preprocess;
    model.kerasCutAt = cutAt;
    Model m = model.model();
    if ((imageInput || warmup > 0) && export == null) throw new dev.tfgraph.graph.BadInputException("train: --image-input and --warmup go with --export");
    if (imageInput) dev.tfgraph.export.serving.ServingImages.imageInput(m);   // before training, not after
    Map<String, NpyArray> w = model.initialWeights(m, seed);
    if (w != null) WeightCheck.check(m, w, model.weights != null ? model.weights.toString() : "initial weights");
    dev.tfgraph.graph.Loss lossFn = dev.tfgraph.graph.loss.Losses.get(loss, labelSmoothing);
    data.floatTargets = !lossFn.sparse();
    java.util.List<dev.tfgraph.graph.Metric> metricList = metrics == null ? null : dev.tfgraph.graph.metric.Metrics.get(metrics, lossFn);
    if (weightDecay != null && Optimizer.KINDS.contains(optimizer) && !optimizer.equals("adamw")) {
      throw new dev.tfgraph.graph.BadInputException("train: --weight-decay is adamw's decoupled weight decay; received it with --optimizer " + optimizer);
    }
    TrainOptions.Builder o = TrainOptions.builder().epochs(epochs).batchSize(batchSize)
        .optimizer(new Optimizer.Config(optimizer, learningRate, momentum, 0.9, 0.999, 1e-7, clipNorm,
            optimizer.equals("adamw") ? (weightDecay != null ? weightDecay : Optimizer.DEFAULT_WEIGHT_DECAY) : weightDecay != null ? weightDecay : 0))
        .warmupEpochs(warmupEpochs).schedule(schedule).augment(augment).stepEpochs(stepEpochs).gamma(gamma)
        .validationSplit(validationSplit).patience(patience).seed(seed).shuffle(!noShuffle).checkpointDir(checkpointDir).resume(resume)
        .overwriteCheckpoints(overwriteCheckpoints).history(history).threads(threads).device(device).maxSteps(maxSteps).progress(!quiet)
        .logDir(logdir);
    ClusterSpec c = null;
    if (cluster != null) {
      c = ClusterSpec.resolve(cluster);
      if (task != null) c = c.withTask(ClusterSpec.Task.parse(task));
    } else if (task != null) {
      throw new dev.tfgraph.graph.BadInputException("train: --task needs --cluster");
    }
    if (!onFailure.equals("stop") && !onFailure.equals("wait")) {
      throw new dev.tfgraph.graph.BadInputException("train: --on-failure must be stop or wait, received " + onFailure);
    }
    TrainRun run = new TrainRun(this, o.build(), lossFn, metricList, c);
    if (data.streams()) {
      try (ImageStream.Splits sp = data.stream(m.inputs(), classes(m))) {
        return run.run(ImageLabels.apply(m, sp.classes()), t -> t.fit(sp.train(), null, sp.test(), w), sp.train().size(), sp::skipped);
      }
    }
    if (data.mapped()) {
      dev.tfgraph.graph.data.MappedDataset mapped = data.mappedArrays();
      return run.run(m, t -> t.fit(mapped, null, null, w), mapped.size(), null);
    }
    DataOptions.Loaded loaded = data.load(m.inputs(), classes(m));
    Dataset train = loaded.train();
    Dataset test = loaded.test();
    return run.run(ImageLabels.apply(m, loaded.classes()), t -> t.fit(train, null, test, w), train.size(),
        loaded.skipped() == null ? null : loaded::skipped);
  }
}
