package dev.tfgraph.cli;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where data comes from: --data DIR (IDX, e.g. the full Fashion-MNIST), --x/--y (.npy), or the shipped subset. */
public final class DataOptions {
  @Option(names = "--data", paramLabel = "DIR", description = "IDX folder (train-*/t10k-* files, .gz or raw), e.g. /usr/share/datasets/fashion-mnist")
  Path data;

  @Option(names = "--x", paramLabel = "X.npy", description = "examples as .npy (float32/float64), shape [n, ...]")
  Path x;

  @Option(names = "--y", paramLabel = "Y.npy", description = "integer labels as .npy, shape [n]")
  Path y;

  /** The repository's shipped Fashion-MNIST subset. */
  public static Path shipped() {
    String home = System.getProperty("tfgraph.home", ".");
    return Path.of(home, "testdata", "fashion");
  }

  boolean isNpy() {
    return x != null || y != null;
  }

  void check() {
    if (data != null && isNpy()) throw new BadInputException("give either --data or --x/--y, not both");
    if (isNpy() && (x == null || y == null)) throw new BadInputException("--x and --y go together");
  }

  /** The training split (or the --x/--y arrays). */
  Dataset train() {
    check();
    if (isNpy()) return Dataset.fromNpy(x, y);
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
    return isNpy() ? Dataset.fromNpy(x, y) : Dataset.fashionMnist(dir(), false);
  }

  Path dir() {
    Path d = data != null ? data : shipped();
    if (!Files.isDirectory(d)) throw new BadInputException("data folder " + d + " does not exist");
    return d;
  }

  String describe() {
    return isNpy() ? x.toString() : data != null ? data.toString() : "shipped subset";
  }
}
