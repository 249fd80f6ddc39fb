package dev.tfgraph.export.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.runtime.Tensors;
import dev.tfgraph.graph.data.ImageHeader;
import dev.tfgraph.graph.io.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * In-process inference over a SavedModel's serving_default signature, with one or more inputs.
 * Checks each input's rank, shape and dtype against the signature in Java before running (TF does
 * not enforce declared shapes), batches large inputs, and closes every tensor. Safe for concurrent use.
 * {@link InputCheck} checks the inputs, {@link PredictRuns} runs the signatures, {@link ExportRecordFile} reads tfgraph.json.
 */
public final class Predictor implements AutoCloseable {
  private final Path dir;
  private final SavedModelBundle bundle;
  /** The signature's inputs by key, in the model's input order (the spec's, else sorted by key). */
  final Map<String, TensorInfo> inputs = new LinkedHashMap<>();
  final TensorInfo output;
  private final JsonNode info;
  private final String infoProblem;

  private Predictor(Path dir, SavedModelBundle bundle) {
    this.dir = dir;
    this.bundle = bundle;
    SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get("serving_default");
    if (sig == null || sig.getInputsCount() < 1 || sig.getOutputsCount() < 1) {
      bundle.close();
      throw new BadInputException("model " + dir + ": no serving_default signature with inputs and an output");
    }
    this.output = sig.getOutputsMap().containsKey("output") ? sig.getOutputsMap().get("output")
        : sig.getOutputsMap().values().iterator().next();
    JsonNode i = null;
    String problem = null;
    try {
      i = ExportRecordFile.read(dir);
    } catch (BadInputException e) {
      problem = e.getMessage();
    }
    this.info = i;
    this.infoProblem = problem;
    List<String> order = new ArrayList<>(new TreeMap<>(sig.getInputsMap()).keySet());
    if (i != null) {
      List<String> spec = new ArrayList<>();
      JsonNode ins = i.path("spec").has("inputs") ? i.path("spec").path("inputs") : null;
      if (ins != null && ins.isArray()) ins.forEach(n -> spec.add(n.path("name").asText()));
      else spec.add(i.path("spec").path("input").path("name").asText());
      if (spec.size() == order.size() && order.containsAll(spec)) order = spec;
    }
    for (String k : order) inputs.put(k, sig.getInputsMap().get(k));
  }

  /**
   * Loads a version folder, or the newest version under a base folder, in this process. For a
   * model from an untrusted source use {@link #loadChecked}.
   *
   * @param dirOrBase a SavedModel version folder, or a base folder holding version folders
   * @return an open predictor; close it to free the native session
   * @throws BadInputException when there is no SavedModel, TF cannot load it, or it has no
   *     serving_default signature with inputs and an output
   */
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

  /**
   * As {@link #load}, after a child JVM has loaded and run the model once (for untrusted models),
   * unless this user's tfgraph has verified the folder before with exactly the files it holds now
   * ({@link VerifiedModels}).
   *
   * @param dirOrBase a SavedModel version folder, or a base folder holding version folders
   * @return an open predictor; close it to free the native session
   * @throws BadInputException when the model aborts, hangs or fails in the child, or as {@link #load}
   * @throws dev.tfgraph.graph.RunFailedException when the child JVM cannot be started
   */
  public static Predictor loadChecked(Path dirOrBase) {
    Path dir = ModelDirs.resolve(dirOrBase);
    VerifiedModels.probeUnlessVerified(dir);
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
   * The version folder this predictor loaded.
   *
   * @return the folder holding saved_model.pb
   */
  public Path dir() { return dir; }

  /**
   * The loaded SavedModel, for callers that read its graph or variables; closed with this predictor.
   *
   * @return the TF-Java bundle
   */
  public SavedModelBundle bundle() { return bundle; }

  /**
   * The first input's key (the only one of most models).
   *
   * @return the signature key of the first input
   */
  public String inputName() { return inputNames().get(0); }

  /**
   * Every input's signature key, in the model's input order.
   *
   * @return the input keys (the spec's order, else sorted by key)
   */
  public List<String> inputNames() { return List.copyOf(inputs.keySet()); }

  /**
   * The first input's shape.
   *
   * @return the shape with the batch dimension -1, e.g. [-1, 32, 32, 3]
   */
  public long[] inputShape() { return inputShape(inputName()); }

  /**
   * An input's shape.
   *
   * @param name the input's signature key
   * @return the shape with the batch dimension -1
   * @throws BadInputException when the model has no such input
   */
  public long[] inputShape(String name) { return dims(info(name).getTensorShape()); }

  /**
   * serving_default's output shape.
   *
   * @return the shape with the batch dimension -1, e.g. [-1, 10]
   */
  public long[] outputShape() { return dims(output.getTensorShape()); }

  /**
   * The first input's dtype as the signature declares it.
   *
   * @return DT_FLOAT or DT_DOUBLE for a tfgraph model
   */
  public DataType inputDtype() { return info(inputName()).getDtype(); }

  TensorInfo info(String name) {
    TensorInfo t = inputs.get(name);
    if (t == null) throw new BadInputException("model " + dir + " has no input \"" + name + "\"; its inputs are " + inputNames());
    return t;
  }
  /**
   * The tfgraph.json record (spec, labels, provenance), or null for a foreign SavedModel (no such
   * file); a corrupt one is bad input here, for the callers that need it (prediction does not).
   *
   * @return the record, or null when the SavedModel has none
   * @throws BadInputException when assets.extra/tfgraph.json is present but unreadable or malformed
   */
  public ExportRecord record() {
    if (infoProblem != null) throw new BadInputException(infoProblem);
    return info == null ? null : ExportRecord.of(info);
  }

  /**
   * Checks x against the first input of the signature: rank, non-batch dims, dtype (float32 or
   * float64 accepted), a non-empty batch and finite values.
   *
   * @param x the input array, shape [n, ...input shape]
   * @throws BadInputException naming what differs
   */
  public void check(NpyArray x) {
    check(inputName(), x);
  }

  /**
   * Checks x against the signature input {@code name}, as {@link #check(NpyArray)} does.
   *
   * @param name the input's signature key
   * @param x the input array, shape [n, ...input shape]
   * @throws BadInputException when the model has no such input or x does not fit it
   */
  public void check(String name, NpyArray x) {
    InputCheck.check(this, name, x);
  }

  /**
   * Runs serving_default on x (a model of one input) in batches.
   *
   * @param x the inputs, shape [n, ...input shape], float32 or float64
   * @param batchSize examples per session run (at least 1)
   * @return the outputs as float32, shape [n, ...output shape]
   * @throws BadInputException when the model has several inputs, x does not fit the input, or
   *     batchSize is below 1
   * @throws dev.tfgraph.graph.RunFailedException when TensorFlow fails while running
   */
  public NpyArray predict(NpyArray x, int batchSize) {
    if (inputs.size() != 1) {
      throw new BadInputException("model " + dir + " takes " + inputs.size() + " inputs " + inputNames()
          + "; expected one array per input, by name");
    }
    return predict(Map.of(inputName(), x), batchSize);
  }

  /**
   * Runs serving_default on one array per input, keyed by input name, all with the same number of
   * examples, in batches.
   *
   * @param xs one array per input, keyed by signature key, each [n, ...input shape]
   * @param batchSize examples per session run (at least 1)
   * @return the outputs as float32, shape [n, ...output shape]
   * @throws BadInputException when an input is missing or unknown, the arrays disagree on n, an
   *     array does not fit its input, or batchSize is below 1
   * @throws dev.tfgraph.graph.RunFailedException when TensorFlow fails while running
   */
  public NpyArray predict(Map<String, NpyArray> xs, int batchSize) {
    return PredictRuns.predict(this, xs, batchSize);
  }

  /**
   * Whether the model has the serving_images signature (exported with the image_input option).
   *
   * @return true when {@link #predictImages(List, int)} can run
   */
  public boolean hasImageSignature() {
    return imageSignature() != null;
  }

  private SignatureDef imageSignature() {
    return PredictRuns.imageSignature(bundle);
  }

  /**
   * {@link #predictImages(List, int, long)} with the default max_image_pixels ({@link ImageHeader#DEFAULT_MAX_PIXELS}).
   *
   * @param images encoded JPEG, PNG, GIF or BMP files, one image each
   * @param batchSize images per session run (at least 1)
   * @return the outputs as float32, shape [n, ...output shape]
   * @throws BadInputException as {@link #predictImages(List, int, long)}
   */
  public NpyArray predictImages(List<byte[]> images, int batchSize) {
    return predictImages(images, batchSize, ImageHeader.DEFAULT_MAX_PIXELS);
  }

  /**
   * Runs serving_images on encoded images, in batches; returns float32 outputs [n, ...]. An image
   * whose header declares more than {@code maxImagePixels} pixels is bad input naming its index,
   * before TF decodes any ({@link ImageHeader}); a batch TF cannot decode is bad input (the caller
   * finds which image by running them one at a time).
   *
   * @param images encoded JPEG, PNG, GIF or BMP files, one image each
   * @param batchSize images per session run (at least 1)
   * @param maxImagePixels the most pixels (width times height) an image's header may declare
   * @return the outputs as float32, shape [n, ...output shape]
   * @throws BadInputException when the model has no serving_images signature, the list is empty,
   *     batchSize is below 1, an image is too large, or TF cannot decode a batch
   */
  public NpyArray predictImages(List<byte[]> images, int batchSize, long maxImagePixels) {
    return PredictRuns.predictImages(this, images, batchSize, maxImagePixels);
  }

  private Session.Runner runner() {
    return bundle.session().runner();
  }

  /** Closes the session and frees its native memory; the predictor cannot be used afterwards. */
  @Override
  public void close() {
    bundle.close();
  }

  @Override
  public String toString() {
    return "Predictor[" + dir + ", inputs " + inputNames() + "]";
  }
}
