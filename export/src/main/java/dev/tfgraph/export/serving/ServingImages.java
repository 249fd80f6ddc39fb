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
 */
public final class ServingImages {
  public static final String KEY = "serving_images";
  public static final String INPUT = "image_bytes";
  public static final String OUTPUT = "output";

  private ServingImages() {}

  /** The model's one image input, [null, H, W, C] with C 1 or 3; anything else is bad input. */
  public static InputSpec imageInput(Model model) {
    if (model.inputs().size() != 1) {
      throw new BadInputException("serving images (image_input) need a model of one image input; model '" + model.name() + "' takes "
          + model.inputs().size() + " inputs");
    }
    InputSpec in = model.inputs().get(0);
    ImageDecoding.checkInputShape("serving images (image_input): model input '" + in.name() + "'", Shapes.dims(in.shape()));
    return in;
  }

  /** Adds the decoding and a second inference pass to the model's graph; returns the signature. */
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
