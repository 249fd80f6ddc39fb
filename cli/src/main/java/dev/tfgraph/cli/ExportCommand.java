package dev.tfgraph.cli;

import dev.tfgraph.cli.options.InputShapeOption;
import dev.tfgraph.cli.options.ModelDir;
import dev.tfgraph.cli.options.OutputPaths;
import dev.tfgraph.cli.options.Ranges;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.export.Exporter;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.export.serving.SavedModelInfo;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.layers.keras.KerasModel;
import dev.tfgraph.layers.keras.export.KerasExport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

// No mixinStandardHelpOptions: its -V/--version would take the contract's --version N.
@Command(name = "export",
    header = "Exports a spec and its weights (or a Keras model file, or an exported model) as a SavedModel version for TF Serving,"
        + " verified before it appears, or as a Keras 3 .keras file.",
    description = {"Builds the inference graph, loads the weights, writes BASE/<version>, verifies it in a child JVM",
        "and prints the version folder. With --format keras: writes the .keras file --out (keras.saving.load_model opens it,",
        "after import tfgraph_keras when tfgraph's own layers are in it) and prints its path."})
public final class ExportCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin InputShapeOption inputShape;
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;
  @Option(names = "--spec", paramLabel = "FILE", description = "the model spec (JSON), e.g. written by ./tfgraph spec") Path spec;
  @Option(names = "--keras", paramLabel = "FILE", description = "a Keras model file (.keras, or a full-model .h5), exported with its weights; instead of --spec and --weights") Path keras;
  @Option(names = "--preprocess", paramLabel = "MODE", description = "with --keras: put the pixel preprocessing the file's model expects in front, so that [0, 1] RGB (serving_images, image folders) suits it: caffe, torch, tf (Keras' preprocess_input), raw255 (times 255) or none (default none)") String preprocess;
  @Option(names = "--weights", paramLabel = "FILE.npz", description = "the weights, keyed <layer>.<weight> (e.g. written by train --save-weights)") Path weights;
  @Option(names = "--model", paramLabel = "DIR", description = "an exported model (a version folder, or a base folder: its newest version), with its weights; instead of --spec and --weights") Path modelDir;
  @Option(names = "--trusted", description = "with --model: skip loading the model in a child JVM first (default: untrusted models are probed there)") boolean trusted;
  @Option(names = "--format", paramLabel = "FORMAT", description = "savedmodel (default): a SavedModel version folder for TF Serving; keras: a Keras 3 .keras file") String format = "savedmodel";
  @Option(names = "--out", required = true, paramLabel = "BASE", description = "the base folder; the export goes to BASE/<version>, as TF Serving reads it (with --format keras: the .keras file)") Path out;
  @Option(names = "--version", paramLabel = "N", converter = Ranges.Positive.class,
      description = "version number, >= 1 (default: one more than the highest present)") Integer version;
  @Option(names = "--image-input", description = "add the serving_images signature: encoded JPEG/PNG/GIF/BMP bytes (image_bytes, DT_STRING [-1]) decoded, resized and scaled in the graph (a model of one image input [null, H, W, 1 or 3])") boolean imageInput;
  @Option(names = "--warmup", paramLabel = "N", converter = Ranges.NonNegative.class, description = "serving warm-up: write N sample predict requests for serving_default to assets.extra/tf_serving_warmup_requests, which TF Serving replays when it loads the model, in [0, 1000] (default 0: none)") Integer warmup;
  @Option(names = "--verbose", description = "on an error, print its stack trace too") boolean verbose;

  @Override
  public Integer call() {
    inputShape.requireKeras(keras != null);
    boolean toKeras = format(format);
    int sources = (keras != null ? 1 : 0) + (modelDir != null ? 1 : 0) + (spec != null || weights != null ? 1 : 0);
    if (sources > 1) throw new BadInputException("give either --keras FILE or --spec FILE --weights FILE.npz or --model DIR, not several");
    if (sources == 0 || keras == null && modelDir == null && (spec == null || weights == null)) {
      throw new BadInputException("give --spec FILE and --weights FILE.npz, --model DIR or --keras FILE"
          + (spec != null || weights != null ? " (missing " + (spec == null ? "--spec" : "--weights") + ")" : ""));
    }
    if (preprocess != null && keras == null) throw new BadInputException("--preprocess goes with --keras (a spec puts ImagePreprocessing or Rescaling first itself)");
    if (trusted && modelDir == null) throw new BadInputException("--trusted goes with --model DIR");
    if (toKeras) {
      if (version != null) throw new BadInputException("--version goes with --format savedmodel (a .keras file has no version folders)");
      if (imageInput) throw new BadInputException("--image-input goes with --format savedmodel (a .keras file has no serving signatures)");
      if (warmup != null) throw new BadInputException("--warmup goes with --format savedmodel (TF Serving's warm-up requests live in a SavedModel)");
      OutputPaths.file("--out", out, modelDir, spec, weights, keras);
    } else {
      OutputPaths.folder("--out", out);
    }
    Model m;
    Map<String, NpyArray> w;
    Map<String, Object> prov = new LinkedHashMap<>();
    if (keras != null) {
      KerasModel k = KerasModel.load(keras, inputShape.shapes());
      for (KerasModel.Rename r : k.renames()) System.err.println("tfgraph: renamed " + r);
      m = preprocess == null ? k.model() : dev.tfgraph.layers.keras.transfer.KerasPreprocessing.preprocess(k.model(), preprocess, "--preprocess");
      w = k.weights();
      if (preprocess != null) prov.put("preprocess", preprocess);
      prov.put("keras_file", keras.toString());
    } else if (modelDir != null) {
      try (Predictor p = ModelDir.open(modelDir, trusted)) {
        dev.tfgraph.export.serving.ExportRecord r = p.record();
        if (r == null) {
          throw new dev.tfgraph.graph.BadInputException(p.dir() + ": a SavedModel not exported by tfgraph (no " + dev.tfgraph.export.Exporter.INFO
              + "): its layers are not known, so it cannot be written as another format");
        }
        m = Model.fromConfig(r.spec());
        w = SavedModelInfo.weights(p);
        prov.put("model_dir", p.dir().toString());
        if (!r.provenance().isMissingNode()) prov.put("exported", r.provenance());
      }
    } else {
      m = Model.load(spec);
      w = Npz.read(weights);
      prov.put("spec_file", spec.toString());
      prov.put("weights_file", weights.toString());
    }
    if (toKeras) {
      KerasExport.write(m, w, out, prov);
      System.err.printf(java.util.Locale.ROOT, "wrote a Keras %s file: %d layers, %d weights%n", KerasExport.KERAS_VERSION, m.layers().size(), w.size());
      System.out.println(out);
      return ExitCodes.OK;
    }
    Exporter.Result r = Exporter.export(m, w, out, version, prov, new Exporter.Options(imageInput, warmup == null ? 0 : warmup));
    System.err.printf(java.util.Locale.ROOT, "exported version %d in %.2f s; verified in a child JVM: max abs diff %.3g (%s)%n", r.version(),
        r.seconds(), r.maxAbsDiff(), r.bitIdentical() ? "bit-identical" : "within 1e-5");
    System.out.println(r.dir());
    return ExitCodes.OK;
  }

  /** True for keras, false for savedmodel; anything else refused. */
  private static boolean format(String f) {
    if (f.equals("keras")) return true;
    if (f.equals("savedmodel")) return false;
    throw new BadInputException("--format \"" + f + "\": expected savedmodel or keras");
  }
}
