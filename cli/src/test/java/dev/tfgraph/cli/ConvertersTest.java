package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weights converted by tools/torch_to_npz.py and tools/keras_to_npz.py (testdata/converters, written by
 * gen_converters.py) give, through export and parity, the outputs PyTorch and Keras-layout numpy computed.
 */
class ConvertersTest {
  static final Path DIR = Path.of("..", "testdata", "converters");

  @ParameterizedTest
  @ValueSource(strings = {"torch", "keras"})
  void convertedWeightsReproduceTheFrameworksOutputs(String which, @TempDir Path tmp) {
    MainTest.Run ex = MainTest.run("export", "--spec", DIR.resolve(which + "_spec.json").toString(),
        "--weights", DIR.resolve(which + "_weights.npz").toString(), "--out", tmp.resolve("m").toString());
    assertEquals(0, ex.code(), ex.err());
    MainTest.Run p = MainTest.run("parity", "--trusted", "--model", tmp.resolve("m").toString(),
        "--input", DIR.resolve(which + "_x.npy").toString(), "--expected", DIR.resolve(which + "_y.npy").toString());
    assertEquals(0, p.code(), p.err() + p.out());
  }
}
