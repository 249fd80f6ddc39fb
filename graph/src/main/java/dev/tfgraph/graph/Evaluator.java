package dev.tfgraph.graph;

import dev.tfgraph.graph.data.Dataset;
import dev.tfgraph.graph.loss.Losses;

/**
 * A model's loss and metrics on a labelled set, from its inference outputs in Java, with the
 * loss's own formula ({@link Loss#perExample(float[], int, int, int, float[], boolean)}): the mean
 * loss; accuracy (classification) or mean squared error (regression) as the run's metric; MSE and
 * MAE for regression; top-5 accuracy for more than 5 classes.
 */
public final class Evaluator {
  private Evaluator() {}

  /** With the default loss (sparse categorical cross-entropy). */
  public static TrainResult.Metrics evaluate(ModelGraph mg, Dataset data, int batchSize) {
    return evaluate(mg, data, batchSize, Losses.builtIn(Losses.DEFAULT, 0));
  }

  public static TrainResult.Metrics evaluate(ModelGraph mg, Dataset data, int batchSize, Loss loss) {
    float[] out = mg.predict(xs(data), data.size(), batchSize);
    return metrics(out, data, Math.toIntExact(Shapes.exampleSize(mg.model().outputShape())), loss, mg.endsIn(loss.logitsOf()));
  }

  /** Each input's rows, in the model's input order (the data is aligned by {@link Trainer}). */
  static java.util.List<float[]> xs(Dataset d) {
    return d.inputs().stream().map(Dataset.Input::x).toList();
  }

  /** From sparse-loss outputs (probabilities when {@code probabilities}, otherwise logits) and labels. */
  public static TrainResult.Metrics metrics(float[] out, int[] y, int classes, boolean probabilities) {
    Dataset labels = new Dataset(java.util.List.of(new Dataset.Input(null, new float[0], new long[] {0})), y);
    return metrics(out, labels, classes, Losses.builtIn(Losses.DEFAULT, 0), probabilities);
  }

  /**
   * From outputs of {@code width} values per example and the data's labels or targets;
   * {@code activated}: the outputs went through the loss's {@link Loss#logitsOf()} activation.
   */
  public static TrainResult.Metrics metrics(float[] out, Dataset data, int width, Loss loss, boolean activated) {
    int n = data.size();
    double sum = 0, sq = 0, abs = 0, binaryHits = 0;
    int correct = 0, top5 = 0;
    float[] t = data.targets() == null ? null : data.targets().x();
    boolean regression = !loss.classification();
    boolean binary = "sigmoid".equals(loss.logitsOf());
    for (int i = 0; i < n; i++) {
      int off = i * width;
      int label = data.y() == null ? -1 : data.y()[i];
      if (label >= width) throw new BadInputException("label " + label + " of example " + i + " is outside [0, " + width + ")");
      sum += loss.perExample(out, off, width, label, t, activated);
      if (regression) {
        for (int k = off; k < off + width; k++) {
          double d = (double) out[k] - t[k];
          sq += d * d;
          abs += Math.abs(d);
        }
      } else if (binary) {
        int hits = 0;
        for (int k = off; k < off + width; k++) hits += ((activated ? out[k] > 0.5 : out[k] > 0) == (t[k] > 0.5)) ? 1 : 0;
        binaryHits += (double) hits / width;
      } else {
        int want = label >= 0 ? label : argmax(t, off, width);
        int best = argmax(out, off, width), above = 0;
        for (int c = 0; c < width; c++) if (out[off + c] > out[off + want]) above++;
        if (best == want) correct++;
        if (above < 5) top5++;
      }
    }
    double metric = regression ? sq / ((double) n * width) : binary ? binaryHits / n : (double) correct / n;
    return new TrainResult.Metrics(sum / n, metric, n, regression ? sq / ((double) n * width) : Double.NaN,
        regression ? abs / ((double) n * width) : Double.NaN, !regression && !binary && width > 5 ? (double) top5 / n : Double.NaN);
  }

  private static int argmax(float[] a, int off, int len) {
    int best = 0;
    for (int c = 1; c < len; c++) if (a[off + c] > a[off + best]) best = c;
    return best;
  }
}
