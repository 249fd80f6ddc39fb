package dev.tfgraph.cli.output;

import dev.tfgraph.export.serving.ExportRecord;
import dev.tfgraph.export.serving.Predictor;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.io.NpyArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * predict's labels: the class labels of the model's tfgraph.json when they name the output's classes,
 * and one JSON line per image with the best of them.
 */
public final class PredictionLabels {
  private PredictionLabels() {}

  /**
   * What is wrong with the labels of the model's tfgraph.json when they do not name the output's
   * classes (a count other than the output's width), else null: predictions are written all the
   * same, and no label is given to any of them.
   */
  public static String mismatch(Predictor p, NpyArray y) {
    ExportRecord info;
    try {
      info = p.record();
    } catch (BadInputException e) {
      return null;   // a corrupt record is reported where the labels are needed
    }
    if (info == null || info.labels().isEmpty()) return null;
    int n = info.labels().size();
    long[] s = y.shape();
    if (s.length == 2 && s[1] == n) return null;
    return "the model's " + n + " label" + (n == 1 ? "" : "s") + " (" + p.dir().resolve(ExportRecord.FILE)
        + ") do not match its output of shape " + y.shapeString() + (s.length == 2 ? " (" + s[1] + " classes)" : "")
        + "; outputs written without labels";
  }

  /** The model's labels when they name the output's classes, else null. */
  public static List<String> of(Predictor p, NpyArray y) {
    ExportRecord info = p.record();
    if (info == null || info.labels().isEmpty()) return null;
    List<String> out = info.labels();
    long[] s = y.shape();
    return s.length == 2 && s[1] == out.size() ? out : null;
  }

  /**
   * Prints one JSON line per file on stdout, {"file", "label", "score"}: the best class and its
   * probability (the outputs' own when they are probabilities, else their softmax).
   */
  public static void print(List<Path> files, List<String> labels, NpyArray y, boolean probabilities) {
    float[] v = y.toFloats();
    int k = labels.size();
    for (int i = 0; i < files.size(); i++) {
      double[] row = new double[k];
      for (int j = 0; j < k; j++) row[j] = v[i * k + j];
      if (!probabilities) softmax(row);
      int best = 0;
      for (int j = 1; j < k; j++) if (row[j] > row[best]) best = j;
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("file", files.get(i).toString());
      line.put("label", labels.get(best));
      line.put("score", Json.num(row[best], 6));
      System.out.println(Json.line(line));
    }
  }

  static void softmax(double[] z) {
    double m = Double.NEGATIVE_INFINITY, sum = 0;
    for (double v : z) m = Math.max(m, v);
    for (int i = 0; i < z.length; i++) sum += z[i] = Math.exp(z[i] - m);
    for (int i = 0; i < z.length; i++) z[i] /= sum;
  }
}
