package dev.tfgraph.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Model;
import dev.tfgraph.graph.ModelGraph;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.data.NpyArray;
import dev.tfgraph.graph.data.Npy;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
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

  /** What an export did: where, which version, and how the verification came out. */
  public record Result(Path dir, int version, double maxAbsDiff, boolean bitIdentical, double seconds) {}

  private Exporter() {}

  public static Result export(Model model, Map<String, NpyArray> weights, Path base, Integer version,
      Map<String, Object> training) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(base);
    } catch (IOException e) {
      throw new BadInputException("cannot create " + base + ": " + e.getMessage());
    }
    cleanStaging(base);
    int v = version != null ? version : ModelDirs.highestVersion(base) + 1;
    if (v < 1) throw new BadInputException("--version must be a positive integer, received " + v);
    Path target = base.resolve(Integer.toString(v));
    if (Files.exists(target)) {
      throw new BadInputException("version " + v + " already exists in " + base + "; versions are never overwritten");
    }
    Path staging = base.resolve(ModelDirs.STAGING_PREFIX + v + "-" + ProcessHandle.current().pid());
    boolean done = false;
    try {
      float[] probe = probe(model, 4);
      float[] expected;
      try (ModelGraph mg = ModelGraph.inference(model)) {
        mg.setWeights(weights);
        expected = mg.predict(probe, 4, 4);
        Signature sig = Signature.builder().key(Signature.DEFAULT_KEY).methodName("tensorflow/serving/predict")
            .input(model.input().name(), mg.input()).output(ModelGraph.OUTPUT, mg.output()).build();
        SavedModelBundle.exporter(staging.toString()).withSession(mg.session()).withSignature(sig).export();
      }
      writeInfo(staging, model, training);
      Path probeFile = staging.getParent().resolve(staging.getFileName() + ".probe.npy");
      Path outFile = staging.getParent().resolve(staging.getFileName() + ".out.npy");
      try {
        Npy.write(probeFile, NpyArray.ofFloats(Shapes.withBatch(model.input().shape(), 4).asArray(), probe));
        fsyncTree(staging);
        ChildJvm.verify(staging, probeFile, outFile);
        float[] got = Npy.read(outFile).toFloats();
        double maxAbs = 0;
        boolean identical = got.length == expected.length;
        for (int i = 0; identical && i < got.length; i++) {
          maxAbs = Math.max(maxAbs, Math.abs(got[i] - expected[i]));
          if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(expected[i])) identical = false;
          if (!Float.isFinite(got[i]) && Float.isFinite(expected[i])) maxAbs = Double.POSITIVE_INFINITY;
        }
        if (got.length != expected.length || maxAbs > 1e-5) {
          throw new RunFailedException("export verification failed: the reloaded model's output differs from the "
              + "in-process output (max abs diff " + maxAbs + "); no version was written");
        }
        try {
          Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
          throw new BadInputException("version " + v + " appeared in " + base + " during the export; not overwritten");
        }
        fsync(base);
        done = true;
        return new Result(target, v, maxAbs, identical, (System.nanoTime() - t0) / 1e9);
      } finally {
        Files.deleteIfExists(probeFile);
        Files.deleteIfExists(outFile);
      }
    } catch (IOException e) {
      throw new RunFailedException("export to " + base + " failed: " + e.getMessage() + "; no version was written", e);
    } finally {
      if (!done) deleteTree(staging);
    }
  }

  /** A deterministic probe batch in [0, 1). */
  static float[] probe(Model model, int n) {
    SplittableRandom r = new SplittableRandom(12345);
    float[] x = new float[Math.toIntExact(n * Shapes.exampleSize(model.input().shape()))];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    return x;
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
    Path f = dir.resolve(INFO);
    Files.createDirectories(f.getParent());
    Files.write(f, JSON.writeValueAsBytes(info));
  }

  /** Removes staging folders left by dead processes (a live exporter's folder is left alone). */
  static void cleanStaging(Path base) {
    try (Stream<Path> s = Files.list(base)) {
      s.filter(p -> p.getFileName().toString().startsWith(ModelDirs.STAGING_PREFIX)).forEach(p -> {
        String n = p.getFileName().toString();
        String pid = n.replaceAll("^.*-([0-9]+)(\\..*)?$", "$1");
        boolean alive = pid.matches("[0-9]+") && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)
            && Long.parseLong(pid) != ProcessHandle.current().pid();
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

  static void fsyncTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) fsync(p);
    }
  }

  static void fsync(Path p) throws IOException {
    boolean dir = Files.isDirectory(p);
    try (FileChannel ch = FileChannel.open(p, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      if (!dir) throw e; // some file systems refuse to open folders for sync
    }
  }
}
