import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A serving client with no tfgraph on its class path: plain TF-Java loads the export through its
 * serving_default signature and prints the outputs for the probe rows TrainSwish used, one per line.
 * Run as a single source file: java -cp <TF-Java jars only> ServingClient.java VERSION_DIR OUT.txt
 */
public class ServingClient {
  public static void main(String[] args) throws Exception {
    float[] probe = {0.1f, 0.2f, 1.5f, -0.3f};
    try (SavedModelBundle model = SavedModelBundle.load(args[0], "serve");
        TFloat32 x = TFloat32.tensorOf(Shape.of(2, 2), DataBuffers.of(probe));
        Result r = model.function("serving_default").call(Map.of("x", x))) {
      TFloat32 y = (TFloat32) r.get("output").orElseThrow();
      float[] out = new float[(int) y.shape().size()];
      y.asRawTensor().data().asFloats().read(out);
      StringBuilder sb = new StringBuilder();
      for (float v : out) sb.append(Float.toString(v)).append('\n');
      Files.writeString(Path.of(args[1]), sb.toString());
    }
  }
}
