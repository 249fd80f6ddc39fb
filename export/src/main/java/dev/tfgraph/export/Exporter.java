package dev.tfgraph.export;

import static dev.tfgraph.export.ExportFolders.cleanStaging;
import static dev.tfgraph.export.ExportFolders.deleteTree;
import static dev.tfgraph.export.ExportFolders.firstMissing;
import static dev.tfgraph.export.ExportFolders.nextVersion;
import static dev.tfgraph.export.ExportFolders.publish;
import static dev.tfgraph.export.ExportFolders.removeEmpty;
import static dev.tfgraph.export.ProbeCheck.PROBE_ROWS;
import static dev.tfgraph.export.ProbeCheck.compare;
import static dev.tfgraph.export.ProbeCheck.probe;
import static dev.tfgraph.export.ProbeCheck.requireFinite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tfgraph.export.serving.ChildJvm;
import dev.tfgraph.export.serving.ExportRecord;
import dev.tfgraph.export.serving.FolderDigest;
import dev.tfgraph.export.serving.ModelDirs;
import dev.tfgraph.export.serving.ServingImages;
import dev.tfgraph.export.serving.VerifiedModels;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.runtime.ModelRuntime;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.runtime.WeightCheck;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.io.Npy;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.graph.io.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;

/**
 * Exports a model as a TF Serving SavedModel: a fresh inference-only graph with the weights
 * restored, signature serving_default (one input keyed by the spec's input name, one output
 * keyed "output"), written to a staging folder beside the versions, flushed, verified in a child
 * JVM against the in-process outputs on a probe batch, then renamed into {@code BASE/<version>}.
 * The layout is described in docs/savedmodel-layout.md. {@link ExportFolders} holds the staging and version folders, {@link ProbeCheck} the probe batch and its check.
 */
public final class Exporter {
  /** The tfgraph version written into each export's provenance. */
  public static final String VERSION = ExportRecord.TFGRAPH_VERSION;
  /** File name of the tfgraph record (spec, labels, provenance) written inside each version folder. */
  public static final String INFO = ExportRecord.FILE;
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What an export did: where, which version, and how the verification came out.
   *
   * @param dir the published version folder, {@code BASE/<version>}
   * @param version the TF Serving version number (a positive integer)
   * @param maxAbsDiff largest absolute difference between the in-process outputs and the
   *     reloaded SavedModel's outputs on the probe batch (output units; 0 when bit-identical)
   * @param bitIdentical whether the reloaded outputs equal the in-process ones bit for bit
   * @param seconds wall-clock time of the whole export, in seconds
   */
  public record Result(Path dir, int version, double maxAbsDiff, boolean bitIdentical, double seconds) {}

  /**
   * What an export adds to serving_default: the serving_images signature (a model of one image
   * input), and a TF Serving warmup file of {@code warmup} requests (0: none; at most 1000).
   *
   * @param imageInput add the serving_images signature (encoded JPEG/PNG bytes in); the model
   *     must have one image input
   * @param warmup number of warmup requests written to assets.extra (0 to 1000)
   */
  public record Options(boolean imageInput, int warmup) {
    /** serving_default only, no warmup file. */
    public static final Options NONE = new Options(false, 0);
  }

  private Exporter() {}

  /**
   * Exports with {@link Options#NONE}: serving_default only, no warmup file.
   *
   * @param model the model whose inference graph is exported
   * @param weights the trained weights, keyed by weight name, shapes as the model declares them
   * @param base the model base folder; version folders are created inside it
   * @param version the version to write, or null for one more than the highest present
   * @param training provenance of the training run written into the record (may be empty)
   * @return where the export went and how its verification came out
   * @throws BadInputException when the weights do not fit the model, the version is not positive
   *     or already exists, or the base folder cannot be created
   * @throws RunFailedException when writing or verifying the SavedModel fails; no version is left behind
   */
  public static Result export(Model model, Map<String, NpyArray> weights, Path base, Integer version,
      Map<String, Object> training) {
    return export(model, weights, base, version, training, Options.NONE);
  }

  /**
   * Exports a verified SavedModel version: builds the inference graph, restores the weights,
   * writes the SavedModel to a staging folder, reloads it in a child JVM, compares its outputs on
   * a probe batch with the in-process ones, and only then renames it into {@code base/<version>}.
   * A failed export leaves no version folder and removes base folders it created.
   *
   * @param model the model whose inference graph is exported
   * @param weights the trained weights, keyed by weight name, shapes as the model declares them
   * @param base the model base folder; version folders are created inside it
   * @param version the version to write, or null for one more than the highest present
   * @param training provenance of the training run written into the record (may be empty)
   * @param options extra signatures and the warmup file
   * @return where the export went and how its verification came out
   * @throws BadInputException when the weights do not fit the model (keys, shapes, non-finite
   *     values), the version is not positive or already exists, warmup is outside [0, 1000],
   *     imageInput is asked of a model without one image input, or the base folder cannot be
   *     created
   * @throws RunFailedException when TensorFlow or the file system fails while writing, or the
   *     reloaded model's outputs are not finite or differ from the in-process ones by more than
   *     1e-5; no version is left behind
   */
  public static Result export(Model model, Map<String, NpyArray> weights, Path base, Integer version,
      Map<String, Object> training, Options options) {
    long t0 = System.nanoTime();
    WeightCheck.check(model, weights, "weights");   // keys, shapes, finite values: before anything is created
    if (options.imageInput()) ServingImages.imageInput(model);
    if (options.warmup() < 0 || options.warmup() > Warmup.MAX_RECORDS) {
      throw new BadInputException("warmup must be in [0, " + Warmup.MAX_RECORDS + "] (TF Serving reads at most " + Warmup.MAX_RECORDS
          + " warmup records), received " + options.warmup());
    }
    if (version != null && version < 1) throw new BadInputException("version must be a positive integer, received " + version);
    Path created = firstMissing(base);
    try {
      Files.createDirectories(base);
    } catch (IOException e) {
      throw new BadInputException("cannot create " + base + ": " + dev.tfgraph.graph.io.IoErrors.describe(base, e));
    }
    boolean done = false;
    try {
      Result r = exportInto(model, weights, base, version, training, options, t0);
      done = true;
      return r;
    } finally {
      if (!done && created != null) removeEmpty(base, created);
    }
  }

  private static Result exportInto(Model model, Map<String, NpyArray> weights, Path base, Integer version,
      Map<String, Object> training, Options options, long t0) {
    cleanStaging(base);
    int v = version != null ? version : nextVersion(base);
    Path existing = ModelDirs.folderOfVersion(base, v);
    if (existing != null) {
      throw new BadInputException("version " + v + " already exists in " + base
          + (existing.getFileName().toString().equals(Integer.toString(v)) ? ""
              : " as folder " + existing.getFileName() + " (TF Serving reads it as version " + v + ")")
          + "; versions are never overwritten");
    }
    String name = ModelDirs.STAGING_PREFIX + v + "-" + ProcessHandle.current().pid() + "-" + ExportFolders.SEQUENCE.incrementAndGet();
    Path staging = base.resolve(name);
    Path work = base.resolve(name + ".verify");
    ExportFolders.ACTIVE.add(name);
    try {
      List<float[]> probe = probe(model, PROBE_ROWS);
      float[] expected;
      List<byte[]> probeImages = options.imageInput() ? ProbeImages.encoded(model, PROBE_ROWS) : null;
      float[] expectedImages = null;
      try (ModelRuntime rt = ModelRuntime.unopened(ModelGraph.inference(model))) {
        ModelGraph mg = rt.graph();
        Signature images = options.imageInput() ? ServingImages.add(mg) : null;   // the whole graph, then the session
        rt.open(null);
        rt.setWeights(weights);
        expected = rt.predict(probe, PROBE_ROWS, PROBE_ROWS);
        requireFinite(model, expected, "in this process");
        Signature.Builder sig = Signature.builder().key(Signature.DEFAULT_KEY).methodName("tensorflow/serving/predict");
        for (int i = 0; i < model.inputs().size(); i++) sig.input(model.inputs().get(i).name(), mg.inputs().get(i));
        sig.output(ModelGraph.OUTPUT, mg.output());
        if (images != null) {
          expectedImages = ProbeImages.run(rt, images, probeImages);
          // the in-graph loop must agree with decoding one image at a time and serving_default
          compare(model, ProbeImages.throughDefault(rt, probeImages), expectedImages);
          SavedModelBundle.exporter(staging.toString()).withSession(rt.session()).withSignatures(sig.build(), images).export();
        } else {
          SavedModelBundle.exporter(staging.toString()).withSession(rt.session()).withSignature(sig.build()).export();
        }
      }
      writeInfo(staging, model, training);
      if (options.warmup() > 0) {
        OutputFiles.write(staging.resolve(Warmup.FILE), Warmup.file(model, probe(model, options.warmup()), options.warmup()));
      }
      Path probeFile = work.resolve("probe.npz");
      Path outFile = work.resolve("out.npy");
      Map<String, NpyArray> probeArrays = new LinkedHashMap<>();
      for (int i = 0; i < model.inputs().size(); i++) {
        InputSpec in = model.inputs().get(i);
        probeArrays.put(in.name(), NpyArray.ofFloats(Shapes.withBatch(in.shape(), PROBE_ROWS).asArray(), probe.get(i)));
      }
      Npz.write(probeFile, probeArrays);
      OutputFiles.syncTree(staging);
      FolderDigest verified = FolderDigest.of(staging);   // what the child JVM is about to verify
      Path imagesFile = work.resolve("images.tfrecord"), imagesOut = work.resolve("out_images.npy");
      if (expectedImages != null) {
        OutputFiles.write(imagesFile, dev.tfgraph.graph.io.TfRecords.frame(probeImages));
        ChildJvm.verify(staging, probeFile, outFile, imagesFile, imagesOut);
      } else {
        ChildJvm.verify(staging, probeFile, outFile);
      }
      float[] got = Npy.read(outFile).toFloats();
      double maxAbs = compare(model, expected, got);
      if (expectedImages != null) maxAbs = Math.max(maxAbs, compare(model, expectedImages, Npy.read(imagesOut).toFloats()));
      v = publish(staging, base, v, version == null);
      if (verified != null) VerifiedModels.recordAt(verified, base.resolve(Integer.toString(v)));
      return new Result(base.resolve(Integer.toString(v)), v, maxAbs, Arrays.equals(expected, got), (System.nanoTime() - t0) / 1e9);
    } catch (IOException e) {
      throw new RunFailedException("export to " + base + " failed: " + e.getMessage() + "; no version was written", e);
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      // TF's saver writes the variables: a full disk arrives as ResourceExhausted with an OOM hint that does not apply
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      String why = m.contains("No space left on device") ? "no space left on device" : m.lines().findFirst().orElse(m);
      throw new RunFailedException("export to " + base + " failed while TF wrote the variables: " + why + "; no version was written", e);
    } finally {
      deleteTree(work);
      deleteTree(staging);   // gone once published
      ExportFolders.ACTIVE.remove(name);
    }
  }

  private static void writeInfo(Path dir, Model model, Map<String, Object> training) throws IOException {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("spec", JSON.readTree(model.config()));
    info.put("labels", model.labels());
    Map<String, Object> prov = new LinkedHashMap<>();
    prov.put("tfgraph_version", VERSION);
    prov.put("tensorflow_version", TensorFlow.version());
    prov.put("java_version", System.getProperty("java.version"));
    prov.put("created", Instant.now().toString());
    prov.put("training", training);
    info.put("provenance", prov);
    OutputFiles.write(dir.resolve(INFO), JSON.writeValueAsBytes(info));
  }
}
