package dev.tfgraph.cli.options;

import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;

/**
 * Opens an exported model for the commands that read one (--model DIR). Untrusted models are
 * loaded and run once on zeros in a child JVM first; with --trusted the same run happens here.
 * Either way a model that cannot run is bad input (exit 2), not a run that failed (exit 3).
 */
public final class ModelDir {
  private ModelDir() {}

  public static Predictor open(Path model, boolean trusted) {
    if (!trusted) return Predictor.loadChecked(model);
    Predictor p = Predictor.load(model);
    try {
      long[] shape = p.inputShape();
      long n = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = i == 0 ? 1 : Math.max(shape[i], 1);
        n = Math.multiplyExact(n, shape[i]);
      }
      p.predict(NpyArray.ofFloats(shape, new float[Math.toIntExact(n)]), 1);
      return p;
    } catch (RunFailedException | ArithmeticException e) {
      p.close();
      Throwable why = e.getCause() != null ? e.getCause() : e;
      String msg = why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage().strip().lines().findFirst().orElse("");
      throw new BadInputException("model " + p.dir() + " is corrupt or hostile: it does not run on a batch of zeros (" + msg + ")");
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }
}
