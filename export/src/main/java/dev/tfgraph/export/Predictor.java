package dev.tfgraph.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.BoundedJson;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.Tensors;
import dev.tfgraph.graph.data.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * In-process inference over a SavedModel's serving_default signature. Checks the input's rank,
 * shape and dtype against the signature in Java before running (TF does not enforce declared
 * shapes), batches large inputs, and closes every tensor. Safe for concurrent use.
 */
public final class Predictor implements AutoCloseable {
  private final Path dir;
  private final SavedModelBundle bundle;
  private final String inputKey;
  private final TensorInfo input;
  private final TensorInfo output;
  private final long[] inputShape;
  private final JsonNode info;
  private final String infoProblem;

  private Predictor(Path dir, SavedModelBundle bundle) {
    this.dir = dir;
    this.bundle = bundle;
    SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get("serving_default");
    if (sig == null || sig.getInputsCount() != 1 || sig.getOutputsCount() < 1) {
      bundle.close();
      throw new BadInputException("model " + dir + ": no serving_default signature with one input");
    }
    Map.Entry<String, TensorInfo> in = sig.getInputsMap().entrySet().iterator().next();
    this.inputKey = in.getKey();
    this.input = in.getValue();
    this.output = sig.getOutputsMap().containsKey("output") ? sig.getOutputsMap().get("output")
        : sig.getOutputsMap().values().iterator().next();
    this.inputShape = dims(input.getTensorShape());
    JsonNode i = null;
    String problem = null;
    try {
      i = readInfo(dir);
    } catch (BadInputException e) {
      problem = e.getMessage();
    }
    this.info = i;
    this.infoProblem = problem;
  }

  /** Loads a version folder, or the newest version under a base folder. */
  public static Predictor load(Path dirOrBase) {
    Path dir = ModelDirs.resolve(dirOrBase);
    try {
      return new Predictor(dir, SavedModelBundle.load(dir.toString(), SavedModelBundle.DEFAULT_TAG));
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInputException("model " + dir + " cannot be loaded: " + firstLine(e.getMessage()));
    }
  }

  /** As {@link #load}, after a child JVM has loaded and run the model once (for untrusted models). */
  public static Predictor loadChecked(Path dirOrBase) {
    Path dir = ModelDirs.resolve(dirOrBase);
    ChildJvm.probe(dir);
    return load(dir);
  }

  static String firstLine(String s) {
    if (s == null) return "";
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  static long[] dims(TensorShapeProto s) {
    return s.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
  }

  /**
   * The tfgraph.json record: null when absent (a foreign SavedModel); a file that is unreadable,
   * not JSON, or without the spec tfgraph writes is bad input naming the file and the problem,
   * so that no caller guesses what the model is.
   */
  static JsonNode readInfo(Path dir) {
    Path f = dir.resolve(Exporter.INFO);
    if (!Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
    JsonNode info = BoundedJson.read(f, BoundedJson.MAX_FILE_BYTES, f + " is corrupt or unreadable");
    JsonNode layers = info == null ? null : info.path("spec").path("layers");
    if (info == null || !info.isObject() || !info.path("spec").isObject() || !layers.isArray() || layers.isEmpty()) {
      throw new BadInputException(f + " is corrupt: expected a JSON object with \"spec\" holding a non-empty "
          + "\"layers\" list (as tfgraph exports it), received " + abbreviate(String.valueOf(info)));
    }
    return info;
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  public Path dir() { return dir; }
  public SavedModelBundle bundle() { return bundle; }
  public String inputName() { return inputKey; }
  public long[] inputShape() { return inputShape.clone(); }
  public long[] outputShape() { return dims(output.getTensorShape()); }
  public DataType inputDtype() { return input.getDtype(); }
  /**
   * The tfgraph.json record (spec, labels, provenance), or null for a foreign SavedModel (no such
   * file); a corrupt one is bad input here, for the callers that need it (prediction does not).
   */
  public JsonNode info() {
    if (infoProblem != null) throw new BadInputException(infoProblem);
    return info;
  }

  /** Checks x against the signature: rank, non-batch dims, dtype (float32 or float64 accepted). */
  public void check(NpyArray x) {
    long[] s = x.shape();
    if (!x.isFloating()) {
      throw new BadInputException("input has dtype " + x.dtypeName() + ", expected float32 (or float64, cast)");
    }
    boolean ok = s.length == inputShape.length;
    for (int i = 1; ok && i < s.length; i++) ok = inputShape[i] < 0 || s[i] == inputShape[i];
    if (!ok) {
      throw new BadInputException("input has shape " + x.shapeString() + ", expected " + showShape(inputShape)
          + " (signature input \"" + inputKey + "\")");
    }
    if (s[0] == 0) throw new BadInputException("input has an empty batch (shape " + x.shapeString() + ")");
  }

  static String showShape(long[] s) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < s.length; i++) b.append(i > 0 ? ", " : "").append(s[i] < 0 ? "None" : String.valueOf(s[i]));
    return b.append("]").toString();
  }

  /** Runs serving_default on x in batches; returns float32 outputs. */
  public NpyArray predict(NpyArray x, int batchSize) {
    check(x);
    if (batchSize < 1) throw new BadInputException("batch size must be positive, received " + batchSize);
    long[] s = x.shape();
    int n = Math.toIntExact(s[0]);
    long es = x.size() / n;
    float[] data = x.toFloats();
    Class<?> type = input.getDtype() == DataType.DT_DOUBLE ? TFloat64.class : TFloat32.class;
    float[] out = null;
    long[] outShape = null;
    long os = 0;
    Shape batchShape = Shape.of(s);
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      try (Tensor t = Tensors.rows(type, batchShape, data, from, b, es);
          Result r = runner().feed(opName(input), opIndex(input), t).fetch(opName(output), opIndex(output)).run()) {
        Tensor y = r.get(0);
        if (out == null) {
          outShape = y.shape().asArray();
          outShape[0] = n;
          os = y.shape().size() / b;
          out = new float[Math.toIntExact(n * os)];
        }
        float[] f = Tensors.toFloats(y);
        System.arraycopy(f, 0, out, Math.toIntExact(from * os), f.length);
      } catch (BadInputException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new RunFailedException("running " + dir + " failed: " + firstLine(e.getMessage()), e);
      }
    }
    return NpyArray.ofFloats(outShape, out);
  }

  private Session.Runner runner() {
    return bundle.session().runner();
  }

  static String opName(TensorInfo t) {
    String n = t.getName();
    int c = n.lastIndexOf(':');
    return c < 0 ? n : n.substring(0, c);
  }

  static int opIndex(TensorInfo t) {
    String n = t.getName();
    int c = n.lastIndexOf(':');
    return c < 0 ? 0 : Integer.parseInt(n.substring(c + 1));
  }

  @Override
  public void close() {
    bundle.close();
  }

  @Override
  public String toString() {
    return "Predictor[" + dir + ", input " + inputKey + " " + Arrays.toString(inputShape) + "]";
  }
}
