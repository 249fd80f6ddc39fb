package dev.tfgraph.cli;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.tfgraph.graph.data.Npy;
import picocli.CommandLine.Option;

/** Where data comes from: --data DIR (IDX, e.g. the full Fashion-MNIST), --x/--y (.npy), or the shipped subset. */
public final class DataOptions {
  @Option(names = "--data", paramLabel = "DIR", description = "IDX folder (train-*/t10k-* files, .gz or raw), e.g. /usr/share/datasets/fashion-mnist")
  Path data;

  @Option(names = "--x", paramLabel = "X.npy|NAME=X.npy|X.npz",
      description = "examples as .npy (float32/float64), shape [n, ...]; a model of several inputs: NAME=X.npy once per input, or one .npz keyed by input names")
  List<String> x;

  @Option(names = "--y", paramLabel = "Y.npy", description = "integer labels as .npy, shape [n]")
  Path y;

  /** The repository's shipped Fashion-MNIST subset. */
  public static Path shipped() {
    String home = System.getProperty("tfgraph.home", ".");
    return Path.of(home, "testdata", "fashion");
  }

  boolean isNpy() {
    return (x != null && !x.isEmpty()) || y != null;
  }

  void check() {
    if (data != null && isNpy()) throw new BadInputException("give either --data or --x/--y, not both");
    if (isNpy() && (x == null || x.isEmpty() || y == null)) throw new BadInputException("--x and --y go together");
  }

  /** The training split (or the --x/--y arrays). */
  Dataset train() {
    check();
    if (isNpy()) return arrays();
    return Dataset.fashionMnist(dir(), true);
  }

  /** The test split, or null with --x/--y. */
  Dataset test() {
    check();
    if (isNpy()) return null;
    return Dataset.fashionMnist(dir(), false);
  }

  /** Evaluation data: --x/--y if given, else the test split. */
  Dataset evaluation() {
    check();
    return isNpy() ? arrays() : Dataset.fashionMnist(dir(), false);
  }

  private Dataset arrays() {
    return Dataset.fromArrays(NamedArrays.read("--x", x), Npy.read(y), y.toString());
  }

  Path dir() {
    Path d = data != null ? data : shipped();
    if (!Files.isDirectory(d)) throw new BadInputException("data folder " + d + " does not exist");
    return d;
  }

  String describe() {
    return isNpy() ? String.join(" ", x) : data != null ? data.toString() : "shipped subset";
  }
}
