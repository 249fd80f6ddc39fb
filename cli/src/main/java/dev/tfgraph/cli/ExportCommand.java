package dev.tfgraph.cli;

import dev.tfgraph.cli.options.InputShapeOption;
import dev.tfgraph.cli.options.OutputPaths;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.export.Exporter;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.layers.keras.KerasModel;
import dev.tfgraph.graph.io.Npz;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

// No mixinStandardHelpOptions: its -V/--version would take the contract's --version N.
@Command(name = "export",
    header = "Exports a spec and its weights (or a Keras model file) as a SavedModel version for TF Serving, verified before it appears.",
    description = {"Builds the inference graph, loads the weights, writes BASE/<version>, verifies it in a child JVM",
        "and prints the version folder."})
public final class ExportCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin InputShapeOption inputShape;
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;
  @Option(names = "--spec", paramLabel = "FILE", description = "the model spec (JSON), e.g. written by ./tfgraph spec") Path spec;
  @Option(names = "--keras", paramLabel = "FILE", description = "a Keras model file (.keras, or a full-model .h5), exported with its weights; instead of --spec and --weights") Path keras;
  @Option(names = "--preprocess", paramLabel = "MODE", description = "with --keras: put the pixel preprocessing the file's model expects in front, so that [0, 1] RGB (serving_images, image folders) suits it: caffe, torch, tf (Keras' preprocess_input), raw255 (times 255) or none (default none)") String preprocess;
  @Option(names = "--weights", paramLabel = "FILE.npz", description = "the weights, keyed <layer>.<weight> (e.g. written by train --save-weights)") Path weights;
  @Option(names = "--out", required = true, paramLabel = "BASE", description = "the base folder; the export goes to BASE/<version>, as TF Serving reads it") Path out;
  @Option(names = "--version", paramLabel = "N", converter = Ranges.Positive.class,
      description = "version number, >= 1 (default: one more than the highest present)") Integer version;
  @Option(names = "--image-input", description = "add the serving_images signature: encoded JPEG/PNG/GIF/BMP bytes (image_bytes, DT_STRING [-1]) decoded, resized and scaled in the graph (a model of one image input [null, H, W, 1 or 3])") boolean imageInput;
  @Option(names = "--warmup", paramLabel = "N", converter = Ranges.NonNegative.class, description = "serving warm-up: write N sample predict requests for serving_default to assets.extra/tf_serving_warmup_requests, which TF Serving replays when it loads the model, in [0, 1000] (default 0: none)") int warmup;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    inputShape.requireKeras(keras != null);
    if (keras != null && (spec != null || weights != null)) throw new BadInputException("give either --keras FILE or --spec FILE --weights FILE.npz, not both");
    if (keras == null && (spec == null || weights == null)) {
      throw new BadInputException("give --spec FILE and --weights FILE.npz, or --keras FILE (missing " + (spec == null ? "--spec" : "--weights") + ")");
    }
    if (preprocess != null && keras == null) throw new BadInputException("--preprocess goes with --keras (a spec puts ImagePreprocessing or Rescaling first itself)");
    OutputPaths.folder("--out", out);
    Model m;
    Map<String, NpyArray> w;
    Map<String, Object> prov = new LinkedHashMap<>();
    if (keras != null) {
      KerasModel k = KerasModel.load(keras, inputShape.shapes());
      for (KerasModel.Rename r : k.renames()) System.err.println("tfgraph: renamed " + r);
      m = preprocess == null ? k.model() : dev.tfgraph.layers.keras.KerasTraining.preprocess(k.model(), preprocess, "--preprocess");
      w = k.weights();
      if (preprocess != null) prov.put("preprocess", preprocess);
      prov.put("keras_file", keras.toString());
    } else {
      m = Model.load(spec);
      w = Npz.read(weights);
      prov.put("spec_file", spec.toString());
      prov.put("weights_file", weights.toString());
    }
    Exporter.Result r = Exporter.export(m, w, out, version, prov, new Exporter.Options(imageInput, warmup));
    System.err.printf(java.util.Locale.ROOT, "exported version %d in %.2f s; verified in a child JVM: max abs diff %.3g (%s)%n", r.version(),
        r.seconds(), r.maxAbsDiff(), r.bitIdentical() ? "bit-identical" : "within 1e-5");
    System.out.println(r.dir());
    return ExitCodes.OK;
  }
}
