package dev.tfgraph.graph.metric;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Loss;
import dev.tfgraph.graph.Metric;
import dev.tfgraph.graph.LayerRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in metrics by name, resolved against the run's loss as Keras resolves "accuracy":
 * {@code accuracy}, {@code top_<k>_accuracy} (k ≥ 1), {@code mse}, {@code mae}; and the defaults
 * a run reports when none are named.
 */
public final class Metrics {
  /** The built-in metric names, top_&lt;k&gt;_accuracy standing for any k from 1 to 9999. */
  public static final List<String> NAMES = List.of("accuracy", "top_<k>_accuracy", "mse", "mae");
  private static final Pattern TOP_K = Pattern.compile("top_([1-9][0-9]{0,3})_accuracy");

  private Metrics() {}

  /**
   * True for a built-in's name (a registered metric may not take one).
   *
   * @param name a metric name
   * @return whether a built-in has it
   */
  public static boolean isBuiltIn(String name) {
    return name.equals("accuracy") || name.equals("mse") || name.equals("mae") || TOP_K.matcher(name).matches();
  }

  /**
   * The metric of this name for a run with {@code loss}: a built-in (accuracy, top_k_accuracy, mse, mae) or one
   * registered by a factory ({@code LayerFactory.metrics()}); an unknown name lists the known ones.
   *
   * @param name the metric's name
   * @param loss the run's loss, which tells labels from targets and softmax from sigmoid
   * @return the metric
   * @throws BadInputException when the name is unknown, or the metric does not suit the loss
   */
  public static Metric get(String name, Loss loss) {
    // the built-ins' listed names are registered (BuiltInMetrics); top_<k>_accuracy, a pattern, is refused here
    LayerRegistry.refuseBuiltInNames("metric", n -> TOP_K.matcher(n).matches());
    Map<String, Metric> registered = LayerRegistry.metrics();
    Metric m = builtIn(name, loss);
    if (m == null) m = registered.get(name);
    if (m == null) {
      List<String> known = new ArrayList<>(NAMES);
      registered.keySet().stream().filter(n -> !isBuiltIn(n)).forEach(known::add);
      throw new BadInputException("metric: unknown metric \"" + name + "\"; expected one of " + known);
    }
    return m;
  }

  /**
   * The metrics of these names for a run with {@code loss}, in order; a name given twice is an error.
   *
   * @param names metric names
   * @param loss the run's loss
   * @return the metrics, in the order given
   * @throws BadInputException when a name is unknown or repeated, or a metric does not suit the loss
   */
  public static List<Metric> get(List<String> names, Loss loss) {
    List<Metric> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) throw new BadInputException("metrics: " + n + " is named twice in " + names);
      out.add(get(n, loss));
    }
    return out;
  }

  /**
   * The built-in metric of this name for {@code loss}, or null when the name is not a built-in.
   *
   * @param name a metric name
   * @param loss the run's loss
   * @return the metric, or null
   * @throws BadInputException when a built-in does not suit the loss (accuracy with a regression loss,
   *     mse with integer labels)
   */
  public static Metric builtIn(String name, Loss loss) {
    Matcher top = TOP_K.matcher(name);
    if (name.equals("accuracy") || top.matches()) {
      if (!loss.classification()) throw mismatch(name, "a classification loss", loss);
      boolean binary = "sigmoid".equals(loss.logitsOf());
      if (name.equals("accuracy")) {
        return new Accuracy(loss.sparse() ? Accuracy.Kind.SPARSE : binary ? Accuracy.Kind.BINARY : Accuracy.Kind.CATEGORICAL);
      }
      if (binary) throw mismatch(name, "a categorical loss (one class per example)", loss);
      return new TopKAccuracy(Integer.parseInt(top.group(1)), loss.sparse());
    }
    if (name.equals("mse") || name.equals("mae")) {
      if (loss.sparse()) throw mismatch(name, "float targets of the output's shape (a loss that is not sparse)", loss);
      return new LossMetric(dev.tfgraph.graph.loss.Losses.builtIn(name, 0));
    }
    return null;
  }

  /**
   * What a run reports when no metric is named: accuracy for classification, with top-5 accuracy
   * when there are more than 5 classes (categorical losses); mse and mae for regression.
   *
   * @param loss the run's loss
   * @param outputWidth values per example of the model's output (the number of classes)
   * @return the default metrics, in report order
   */
  public static List<Metric> defaults(Loss loss, long outputWidth) {
    List<Metric> m = new ArrayList<>();
    if (!loss.classification()) {
      m.add(builtIn("mse", loss));
      m.add(builtIn("mae", loss));
      return m;
    }
    m.add(builtIn("accuracy", loss));
    if (!"sigmoid".equals(loss.logitsOf()) && outputWidth > 5) m.add(builtIn("top_5_accuracy", loss));
    return m;
  }

  private static BadInputException mismatch(String metric, String expected, Loss loss) {
    return new BadInputException("metric " + metric + ": expected " + expected + ", received loss " + loss.name());
  }
}
