package dev.tfgraph.export.serving;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.CallContext;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.runtime.ModelGraph;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.data.ImageDecoding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TNumber;

/**
 * The {@code serving_images} signature (docs/savedmodel-layout.md): input {@code image_bytes}
 * (DT_STRING [-1], encoded JPEG/PNG/GIF/BMP), decoded, resized and scaled in the graph by {@link
 * ImageDecoding#decodeBatch}, then the model's inference pass on the same variables; output {@code output}.
 * An image is resized to the input's height and width and scaled to [0, 1].
 */
public final class ServingImages {
  /** The signature's key in the SavedModel. */
  public static final String KEY = "serving_images";
  /** The signature's input: a string tensor of shape [-1], one encoded image a row. */
  public static final String INPUT = "image_bytes";
  /** The signature's output: the model's output for each image, shape [-1, ...output shape]. */
  public static final String OUTPUT = "output";

  private ServingImages() {}

  /**
   * The model's one image input, [null, H, W, C] with C 1 or 3.
   *
   * @param model the model to export with serving_images
   * @return its one input
   * @throws BadInputException when the model has several inputs or its input is not an image shape
   */
  public static InputSpec imageInput(Model model) {
    if (model.inputs().size() != 1) {
      throw new BadInputException("serving images (image_input) need a model of one image input; model '" + model.name() + "' takes "
          + model.inputs().size() + " inputs");
    }
    InputSpec in = model.inputs().get(0);
    ImageDecoding.checkInputShape("serving images (image_input): model input '" + in.name() + "'", Shapes.dims(in.shape()));
    return in;
  }

  /**
   * Adds the decoding and a second inference pass (sharing the variables) to the model's graph;
   * call it before the session is opened.
   *
   * @param mg the model's inference graph
   * @return the serving_images signature, to export beside serving_default
   * @throws BadInputException when the model does not have one image input
   */
  public static Signature add(ModelGraph mg) {
    Model model = mg.model();
    long[] hwc = Shapes.dims(imageInput(model).shape());
    Ops tf = mg.tf().withSubScope(KEY);
    Placeholder<TString> bytes = tf.withName(INPUT).placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
    Operand<TFloat32> images = ImageDecoding.decodeBatch(tf, bytes, hwc[0], hwc[1], hwc[2], "decode");
    Operand<? extends TNumber> x = mg.type() == TFloat32.class ? images : tf.dtypes.cast(images, mg.type());
    Operand<? extends TNumber> y = tf.withName(OUTPUT).identity(mg.addInferencePass(tf, List.of(x)));
    return Signature.builder().key(KEY).methodName("tensorflow/serving/predict").input(INPUT, bytes).output(OUTPUT, y).build();
  }

}
