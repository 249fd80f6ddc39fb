package dev.tfgraph.export;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.tfgraph.graph.model.InputSpec;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.data.Examples;
import dev.tfgraph.graph.io.TfRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * TF Serving's warmup file, {@code assets.extra/tf_serving_warmup_requests}: a TFRecord of
 * {@code PredictionLog}s, each a {@code PredictRequest} for serving_default. TensorProto is TF-Java's;
 * the serving messages are written with protobuf-java's CodedOutputStream from the field numbers of
 * tensorflow_serving/apis/prediction_log.proto (PredictionLog.predict_log = 6; PredictLog.request = 1),
 * predict.proto (PredictRequest.model_spec = 1, inputs = 2: map&lt;string, TensorProto&gt;, entry key 1,
 * value 2) and model.proto (ModelSpec.name = 1, signature_name = 3): no serving artifact is needed.
 * docs/serving.md shows TF Serving reading it.
 *
 * <p>Internal: used by {@link Exporter}; not an API.
 */
public final class Warmup {
  /** Path of the warmup file inside a version folder, where TF Serving looks for it. */
  public static final String FILE = "assets.extra/tf_serving_warmup_requests";
  /** TF Serving reads at most this many warmup records. */
  public static final int MAX_RECORDS = 1000;

  private Warmup() {}

  /**
   * The warmup file's bytes: {@code n} TFRecord-framed records, record i a serving_default
   * request holding row i of every input, shaped {@code [1, ...input shape]}.
   *
   * @param model the exported model (its name and inputs name the request's tensors)
   * @param rows one float[] per model input, in input order, each {@code n * exampleSize} values
   *     row-major
   * @param n the number of records (at most {@link #MAX_RECORDS} for TF Serving to read them all)
   * @return the file's contents
   * @throws IOException when a protobuf message cannot be written (not expected in memory)
   */
  public static byte[] file(Model model, List<float[]> rows, int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) TfRecords.write(out, predictionLog(model, rows, i));
    return out.toByteArray();
  }

  static byte[] predictionLog(Model model, List<float[]> rows, int row) throws IOException {
    ByteString spec = Examples.message(o -> {
      o.writeString(1, model.name());
      o.writeString(3, "serving_default");
    });
    ByteString request = Examples.message(o -> {
      o.writeBytes(1, spec);
      for (int k = 0; k < model.inputs().size(); k++) {
        InputSpec in = model.inputs().get(k);
        TensorProto t = tensor(in, rows.get(k), row);
        o.writeBytes(2, Examples.message(e -> {
          e.writeString(1, in.name());
          e.writeBytes(2, t.toByteString());
        }));
      }
    });
    ByteString predictLog = Examples.message(o -> o.writeBytes(1, request));
    return Examples.message(o -> o.writeBytes(6, predictLog)).toByteArray();
  }

  /** One example of an input as a [1, ...] TensorProto of the input's dtype, values in tensor_content (little-endian). */
  static TensorProto tensor(InputSpec in, float[] rows, int row) {
    int es = Math.toIntExact(Shapes.exampleSize(in.shape()));
    boolean f64 = "float64".equals(in.dtype());
    ByteBuffer b = ByteBuffer.allocate(es * (f64 ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (int j = 0; j < es; j++) {
      if (f64) b.putDouble(rows[row * es + j]);
      else b.putFloat(rows[row * es + j]);
    }
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(1));
    for (long d : Shapes.dims(in.shape())) shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    return TensorProto.newBuilder().setDtype(f64 ? DataType.DT_DOUBLE : DataType.DT_FLOAT).setTensorShape(shape)
        .setTensorContent(ByteString.copyFrom(b.array())).build();
  }
}
