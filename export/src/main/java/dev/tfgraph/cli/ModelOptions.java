package dev.tfgraph.cli;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.Model;
import dev.tfgraph.graph.data.Npz;
import dev.tfgraph.graph.data.NpyArray;
import dev.tfgraph.layers.MatrixSqrt;
import dev.tfgraph.layers.Models;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** A built-in model by name (with its options) or a spec file, and optional weights. */
public final class ModelOptions {
  @Option(names = "--model", paramLabel = "NAME", description = "built-in model: ${COMPLETION-CANDIDATES}",
      completionCandidates = Names.class)
  String name;

  @Option(names = "--spec", paramLabel = "FILE", description = "model spec JSON (CONTRACT.md section 1)")
  Path spec;

  @Option(names = "--weights", paramLabel = "FILE.npz", description = "initial weights by <layer>.<weight>")
  Path weights;

  @Option(names = "--sqrt", paramLabel = "METHOD", description = "ib-cnn's matrix square root: svd (default), eigh, newton_schulz")
  String sqrt = "svd";

  @Option(names = "--taylor-order", paramLabel = "P", description = "taylor-cnn's expansion order (default 3)")
  int taylorOrder = 3;

  @Option(names = "--prototypes-per-class", paramLabel = "K", description = "prototype-net's rows per class (default 1: softmax head; > 1: Dense head)")
  int prototypesPerClass = 1;

  static final class Names extends java.util.ArrayList<String> {
    Names() {
      super(Models.NAMES);
    }
  }

  Model model() {
    if ((name == null) == (spec == null)) throw new BadInputException("give exactly one of --model NAME or --spec FILE");
    if (spec != null) return Model.load(spec);
    if (!MatrixSqrt.METHODS.contains(sqrt)) {
      throw new BadInputException("--sqrt must be one of " + MatrixSqrt.METHODS + ", received \"" + sqrt + "\"");
    }
    return Models.create(name, new Models.Options(taylorOrder, prototypesPerClass, sqrt));
  }

  String label() {
    return name != null ? name : spec.getFileName().toString();
  }

  Map<String, NpyArray> weights() {
    return weights == null ? null : Npz.read(weights);
  }
}
