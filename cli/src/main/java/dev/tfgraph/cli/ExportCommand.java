package dev.tfgraph.cli;

import dev.tfgraph.export.Exporter;
import dev.tfgraph.graph.Model;
import dev.tfgraph.graph.data.Npz;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

// No mixinStandardHelpOptions: its -V/--version would take the contract's --version N.
@Command(name = "export",
    description = {"Builds the inference graph, loads the weights, exports a SavedModel version under BASE,",
        "verifies it in a child JVM, and prints the version folder."})
public final class ExportCommand implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;
  @Option(names = "--spec", required = true, paramLabel = "FILE") Path spec;
  @Option(names = "--weights", required = true, paramLabel = "FILE.npz") Path weights;
  @Option(names = "--out", required = true, paramLabel = "BASE") Path out;
  @Option(names = "--version", paramLabel = "N", converter = Ranges.Positive.class,
      description = "version number, >= 1 (default: one more than the highest present)") Integer version;
  @Option(names = "--image-input", description = "add the serving_images signature: encoded JPEG/PNG/GIF/BMP bytes (image_bytes, DT_STRING [-1]) decoded, resized and scaled in the graph (a model of one image input [null, H, W, 1 or 3])") boolean imageInput;
  @Option(names = "--warmup", paramLabel = "N", converter = Ranges.NonNegative.class, description = "write assets.extra/tf_serving_warmup_requests: N predict requests for serving_default, in [0, 1000] (default 0: none)") int warmup;
  @Option(names = "--verbose") boolean verbose;

  @Override
  public Integer call() {
    OutputPaths.folder("--out", out);
    Model m = Model.load(spec);
    Map<String, Object> prov = new LinkedHashMap<>();
    prov.put("spec_file", spec.toString());
    prov.put("weights_file", weights.toString());
    Exporter.Result r = Exporter.export(m, Npz.read(weights), out, version, prov, new Exporter.Options(imageInput, warmup));
    System.err.printf("exported version %d in %.2f s; verified in a child JVM: max abs diff %.3g (%s)%n", r.version(),
        r.seconds(), r.maxAbsDiff(), r.bitIdentical() ? "bit-identical" : "within 1e-5");
    System.out.println(r.dir());
    return Main.OK;
  }
}
