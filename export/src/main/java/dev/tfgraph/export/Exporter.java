package dev.tfgraph.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.runtime.Finite;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;

/**
 * Exports a model as a TF Serving SavedModel: a fresh inference-only graph with the weights
 * restored, signature serving_default (one input keyed by the spec's input name, one output
 * keyed "output"), written to a staging folder beside the versions, flushed, verified in a child
 * JVM against the in-process outputs on a probe batch, then renamed into BASE/<version>.
 */
public final class Exporter {
  public static final String VERSION = "0.1.0";
  public static final String INFO = "assets.extra/tfgraph.json";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Largest difference allowed between the reloaded model's output and the in-process one. */
  static final double TOLERANCE = 1e-5;
  static final int PROBE_ROWS = 4;
  /** {@code .tfgraph-staging-<version>-<pid>[-<n>][.verify]}: the pid of the exporting process. */
  private static final Pattern STAGING = Pattern.compile(Pattern.quote(ModelDirs.STAGING_PREFIX) + "[0-9]+-([0-9]{1,18})(-[0-9]+)?(\\..*)?");
  private static final AtomicLong SEQUENCE = new AtomicLong();
  /** Staging names of exports running in this process. */
  private static final Set<String> ACTIVE = ConcurrentHashMap.newKeySet();

  /** What an export did: where, which version, and how the verification came out. */
  public record Result(Path dir, int version, double maxAbsDiff, boolean bitIdentical, double seconds) {}

  /**
   * What an export adds to serving_default: the serving_images signature (a model of one image
   * input), and a TF Serving warmup file of {@code warmup} requests (0: none; at most 1000).
   */
  public record Options(boolean imageInput, int warmup) {
    public static final Options NONE = new Options(false, 0);
  }

  private Exporter() {}

  public static Result export(Model model, Map<String, NpyArray> weights, Path base, Integer version,
      Map<String, Object> training) {
    return export(model, weights, base, version, training, Options.NONE);
  }

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
    String name = ModelDirs.STAGING_PREFIX + v + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    Path staging = base.resolve(name);
    Path work = base.resolve(name + ".verify");
    ACTIVE.add(name);
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
      VerifiedModels.Digest verified = VerifiedModels.digestOrNull(staging);   // what the child JVM is about to verify
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
      ACTIVE.remove(name);
    }
  }

  /** One more than the highest version present. */
  static int nextVersion(Path base) {
    int h = ModelDirs.highestVersion(base);
    if (h == Integer.MAX_VALUE) {
      throw new BadInputException(base + " already holds version " + h + ", the highest version tfgraph numbers "
          + "(a 32-bit integer); give an explicit lower version that is free, or export to another folder");
    }
    return h + 1;
  }

  /**
   * Renames the verified staging folder to {@code BASE/<v>}, never over a version that appeared
   * meanwhile (another export won the race): an automatic version takes the next free number, an
   * explicit one fails. On Linux, renaming onto a non-empty folder fails with "Directory not
   * empty", not FileAlreadyExistsException: the target's existence decides.
   *
   * @return the version published
   */
  static int publish(Path staging, Path base, int v, boolean automatic) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path target = base.resolve(Integer.toString(v));
      if (ModelDirs.folderOfVersion(base, v) == null && moved(staging, target)) {
        OutputFiles.sync(base);
        return v;
      }
      if (!automatic) {
        throw new BadInputException("version " + v + " appeared in " + base + " during the export; not overwritten");
      }
      if (attempt == 1000) throw new RunFailedException("no free version in " + base + " after " + attempt + " tries; no version was written");
      if (v == Integer.MAX_VALUE) nextVersion(base);   // throws: nothing above
      v = Math.max(v + 1, nextVersion(base));
    }
  }

  /** Renames; false if the target appeared meanwhile (the rename failed and the target is there). */
  private static boolean moved(Path staging, Path target) throws IOException {
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      return true;
    } catch (IOException e) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) return false;
      throw e;
    }
  }

  /**
   * Every element of the reloaded model's output on the probe batch must be finite and within
   * {@link #TOLERANCE} of the in-process output.
   *
   * @return the largest absolute difference
   */
  static double compare(Model model, float[] expected, float[] got) {
    if (got.length != expected.length) {
      throw new RunFailedException("export verification failed: the reloaded model's output has " + got.length
          + " values, expected " + expected.length + "; no version was written");
    }
    requireFinite(model, expected, "in this process");
    requireFinite(model, got, "reloaded in a child JVM");
    double maxAbs = 0;
    int at = -1;
    for (int i = 0; i < got.length; i++) {
      double d = Math.abs((double) got[i] - expected[i]);
      if (d > maxAbs) {
        maxAbs = d;
        at = i;
      }
    }
    if (maxAbs > TOLERANCE) {
      throw new RunFailedException("export verification failed: the reloaded model's output differs from the "
          + "in-process output by " + maxAbs + " at index " + Finite.index(at, outputShape(model)) + " (tolerance "
          + TOLERANCE + "); no version was written");
    }
    return maxAbs;
  }

  private static void requireFinite(Model model, float[] out, String where) {
    int i = Finite.first(out);
    if (i >= 0) {
      throw new RunFailedException("export verification failed: the model's output on the probe batch (" + where
          + ") is not finite at index " + Finite.index(i, outputShape(model)) + " (" + out[i]
          + "); no version was written");
    }
  }

  private static long[] outputShape(Model model) {
    return Shapes.withBatch(model.outputShape(), PROBE_ROWS).asArray();
  }

  /** The outermost folder of {@code dir} that does not exist yet (what creating it creates), or null. */
  static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  /** Removes {@code dir} and its parents up to {@code top} while they are empty (what a failed export created). */
  static void removeEmpty(Path dir, Path top) {
    for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(top); p = p.getParent()) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        return;   // not empty: someone else's files are there
      }
    }
  }

  /** A deterministic probe batch in [0, 1) for each input. */
  static List<float[]> probe(Model model, int n) {
    SplittableRandom r = new SplittableRandom(12345);
    List<float[]> out = new ArrayList<>();
    for (InputSpec in : model.inputs()) {
      float[] x = new float[Math.toIntExact(n * Shapes.exampleSize(in.shape()))];
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
      out.add(x);
    }
    return out;
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

  /**
   * Removes staging folders (and their ".verify" work folders) left by dead processes; a live
   * exporter's are left alone, this process's own by name (a container's pid repeats across runs).
   */
  static void cleanStaging(Path base) {
    try (Stream<Path> s = Files.list(base)) {
      s.filter(p -> p.getFileName().toString().startsWith(ModelDirs.STAGING_PREFIX)).forEach(p -> {
        String n = p.getFileName().toString();
        Matcher m = STAGING.matcher(n);
        long pid = m.matches() ? Long.parseLong(m.group(1)) : -1;
        boolean alive = pid == ProcessHandle.current().pid() ? ACTIVE.stream().anyMatch(a -> n.equals(a) || n.startsWith(a + "."))
            : pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) deleteTree(p);
      });
    } catch (IOException e) {
      // listing failed: leftovers stay, and are ignored by every reader (not a version name)
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException ignored) {
      // best effort; a leftover staging folder is never read as a version
    }
  }
}
