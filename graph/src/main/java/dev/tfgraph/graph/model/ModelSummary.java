package dev.tfgraph.graph.model;

import dev.tfgraph.graph.Layer;
import dev.tfgraph.graph.Shapes;
import dev.tfgraph.graph.WeightSpec;

/** {@link Model#summary()}: a Keras-like table of a model's layers, output shapes and parameter counts. */
final class ModelSummary {
  private ModelSummary() {}

  /** A Keras-like table: layer (type), output shape, parameter count. */
  static String of(Model m) {
    StringBuilder sb = new StringBuilder();
    String line = "-".repeat(72) + "\n";
    sb.append("Model: \"").append(m.name()).append("\"\n").append(line);
    boolean chain = m.isChain();
    sb.append(String.format(java.util.Locale.ROOT, "%-36s %-22s %12s" + (chain ? "" : "  %s") + "%n", "Layer (type)", "Output Shape", "Param #",
        "Connected to"));
    sb.append(line.replace('-', '='));
    long total = 0, trainable = 0;
    for (Layer l : m.layers()) {
      long n = 0;
      for (WeightSpec w : l.weights()) {
        n = Math.addExact(n, w.shape().size());
        if (w.trainable()) trainable = Math.addExact(trainable, w.shape().size());
      }
      total = Math.addExact(total, n);
      sb.append(String.format(java.util.Locale.ROOT, "%-36s %-22s %12d" + (chain ? "" : "  %s") + "%n", l.name() + " (" + l.type() + ")",
          Shapes.show(l.outputShape()), n, String.join(", ", m.inbound.get(l.name()))
          + (m.shares.containsKey(l.name()) ? " (shares " + m.shares.get(l.name()) + ")" : "")));
    }
    sb.append(line.replace('-', '='));
    sb.append(String.format(java.util.Locale.ROOT, "Total params: %,d%nTrainable params: %,d%nNon-trainable params: %,d%n", total, trainable, total - trainable));
    return sb.toString();
  }
}
