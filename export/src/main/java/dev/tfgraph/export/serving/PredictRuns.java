package dev.tfgraph.export.serving;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.data.ImageHeader;
import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.runtime.BatchedRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * A {@link Predictor}'s runs, in batches: serving_default on one array per input (each checked first),
 * and serving_images on encoded images (each header checked against max_image_pixels first).
 */
final class PredictRuns {
  private PredictRuns() {}

  /**
   * Runs serving_default on one array per input, keyed by input name, all with the same number of
   * examples, in batches; returns float32 outputs.
   */
  static NpyArray predict(Predictor p, Map<String, NpyArray> xs, int batchSize) {
    for (String k : xs.keySet()) p.info(k);
    List<String> missing = new ArrayList<>(p.inputs.keySet());
    missing.removeAll(xs.keySet());
    if (!missing.isEmpty()) {
      throw new BadInputException("no array for input" + (missing.size() > 1 ? "s " : " ") + missing + " of model " + p.dir()
          + "; expected one per input " + p.inputNames());
    }
    long n = -1;
    String first = null;
    for (String k : p.inputNames()) {
      NpyArray x = xs.get(k);
      p.check(k, x);
      if (n >= 0 && x.shape()[0] != n) {
        throw new BadInputException("input " + k + " has " + x.shape()[0] + " examples, expected " + n + " (as input " + first + ")");
      }
      n = x.shape()[0];
      first = first == null ? k : first;
    }
    if (batchSize < 1) throw new BadInputException("batch size must be positive, received " + batchSize);
    List<BatchedRun.Input> feeds = new ArrayList<>();
    for (String k : p.inputNames()) {
      NpyArray x = xs.get(k);
      long[] shape = x.shape();
      shape[0] = -1;
      String tensor = p.inputs.get(k).getName();
      // a float64 model takes float64 arrays as they are (its precision); anything else goes in as float32
      feeds.add(p.info(k).getDtype() == DataType.DT_DOUBLE && x.kind() == NpyArray.Kind.FLOAT64
          ? new BatchedRun.Doubles(tensor, Shape.of(shape), x.toDoubles())
          : BatchedRun.Feed.of(tensor, Shape.of(shape), x.toFloats(), p.info(k).getDtype() == DataType.DT_DOUBLE ? TFloat64.class : TFloat32.class));
    }
    try {
      return BatchedRun.run(p.bundle().session(), feeds, Math.toIntExact(n), batchSize, p.output.getName());
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new RunFailedException("running " + p.dir() + " failed: " + Predictor.firstLine(e.getMessage()), e);
    }
  }

  static SignatureDef imageSignature(SavedModelBundle bundle) {
    SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get(ServingImages.KEY);
    return sig != null && sig.getInputsMap().containsKey(ServingImages.INPUT) && sig.getOutputsCount() > 0 ? sig : null;
  }

  /**
   * Runs serving_images on encoded images, in batches; returns float32 outputs [n, ...]. An image
   * whose header declares more than {@code maxImagePixels} pixels is bad input naming its index,
   * before TF decodes any ({@link ImageHeader}); a batch TF cannot decode is bad input (the caller
   * finds which image by running them one at a time).
   */
  static NpyArray predictImages(Predictor p, List<byte[]> images, int batchSize, long maxImagePixels) {
    SignatureDef sig = imageSignature(p.bundle());
    if (sig == null) throw new BadInputException("model " + p.dir() + " has no " + ServingImages.KEY + " signature (export it with image_input)");
    if (images.isEmpty()) throw new BadInputException("no images to predict");
    if (batchSize < 1) throw new BadInputException("batch size must be positive, received " + batchSize);
    ImageHeader.checkLimit(maxImagePixels);
    for (int i = 0; i < images.size(); i++) ImageHeader.check(images.get(i), "image " + i, maxImagePixels);
    String in = sig.getInputsMap().get(ServingImages.INPUT).getName();
    TensorInfo outInfo = sig.getOutputsMap().containsKey(ServingImages.OUTPUT) ? sig.getOutputsMap().get(ServingImages.OUTPUT)
        : sig.getOutputsMap().values().iterator().next();
    try {
      return BatchedRun.run(p.bundle().session(), List.of(new BatchedRun.Bytes(in, images)), images.size(), batchSize, outInfo.getName());
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadInputException("running " + ServingImages.KEY + " of " + p.dir() + " failed: " + Predictor.firstLine(e.getMessage()), e);
    }
  }
}
