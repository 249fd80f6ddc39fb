package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.io.NpyArray;
import dev.tfgraph.graph.io.Npz;
import dev.tfgraph.layers.keras.KerasModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * export --format keras from each source (--spec and --weights, --model DIR, --keras FILE): the .keras file reads back
 * as the same model with the same weights, bit for bit; the SavedModel-only options are refused with it, one line each.
 */
class ExportKerasCliTest {
  static final Path DIR = Path.of("..", "testdata", "keras", "out");
  @TempDir Path tmp;

  @Test
  void everySourceWritesAKerasFileThatReadsBackUnchanged() throws Exception {
    Path source = DIR.resolve("two_inputs.keras");
    KerasModel want = KerasModel.load(source);
    // --keras FILE
    Path fromKeras = tmp.resolve("from_keras.keras");
    MainTest.Run r = MainTest.run("export", "--keras", source.toString(), "--format", "keras", "--out", fromKeras.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(fromKeras.toString(), r.out().strip());
    assertTrue(r.err().contains("wrote a Keras 3.15.1 file: 6 layers, 6 weights"), r.err());
    same(want, KerasModel.load(fromKeras));
    // --spec FILE --weights FILE.npz
    Path spec = tmp.resolve("spec.json"), npz = tmp.resolve("w.npz");
    Files.writeString(spec, want.spec(), StandardCharsets.UTF_8);
    Npz.write(npz, want.weights());
    Path fromSpec = tmp.resolve("from_spec.keras");
    r = MainTest.run("export", "--spec", spec.toString(), "--weights", npz.toString(), "--format", "keras", "--out", fromSpec.toString());
    assertEquals(0, r.code(), r.err());
    same(want, KerasModel.load(fromSpec));
    // --model DIR (an exported SavedModel)
    Path base = tmp.resolve("served");
    assertEquals(0, MainTest.run("export", "--keras", source.toString(), "--out", base.toString()).code());
    Path fromDir = tmp.resolve("from_dir.keras");
    r = MainTest.run("export", "--model", base.toString(), "--format", "keras", "--out", fromDir.toString());
    assertEquals(0, r.code(), r.err());
    same(want, KerasModel.load(fromDir));
  }

  @Test
  void savedModelOptionsAreRefusedWithKerasOneLineEach() {
    String src = DIR.resolve("softexp.keras").toString(), out = tmp.resolve("x.keras").toString();
    FirstContactTest.refused(new String[] {"--version goes with --format savedmodel"}, "export", "--keras", src, "--format", "keras",
        "--out", out, "--version", "2");
    FirstContactTest.refused(new String[] {"--image-input goes with --format savedmodel"}, "export", "--keras", src, "--format", "keras",
        "--out", out, "--image-input");
    FirstContactTest.refused(new String[] {"--warmup goes with --format savedmodel"}, "export", "--keras", src, "--format", "keras",
        "--out", out, "--warmup", "0");
    FirstContactTest.refused(new String[] {"--format \"onnx\": expected savedmodel or keras"}, "export", "--keras", src, "--format", "onnx",
        "--out", out);
    FirstContactTest.refused(new String[] {"give either --keras FILE or --spec FILE --weights FILE.npz or --model DIR, not several"},
        "export", "--keras", src, "--model", tmp.toString(), "--format", "keras", "--out", out);
    FirstContactTest.refused(new String[] {"is the same file as the input"}, "export", "--keras", src, "--format", "keras", "--out", src);
    assertFalse(Files.exists(tmp.resolve("x.keras")));
  }

  @Test
  void aLayerWithoutAKerasClassIsRefusedByNameAndNothingIsWritten() throws Exception {
    Path spec = tmp.resolve("odd.json");
    Files.writeString(spec, """
        {"name": "odd", "input": {"name": "x", "shape": [null, 4], "dtype": "float32"},
         "layers": [{"type": "Dense", "name": "fc", "units": 3, "activation": "hard_sigmoid_legacy"},
                    {"type": "Dense", "name": "head", "units": 2, "activation": "softmax"}]}""", StandardCharsets.UTF_8);
    Path npz = tmp.resolve("odd.npz");
    Npz.write(npz, Map.of("fc.kernel", NpyArray.ofFloats(new long[] {4, 3}, new float[12]), "fc.bias", NpyArray.ofFloats(new long[] {3}, new float[3]),
        "head.kernel", NpyArray.ofFloats(new long[] {3, 2}, new float[6]), "head.bias", NpyArray.ofFloats(new long[] {2}, new float[2])));
    Path out = tmp.resolve("odd.keras");
    FirstContactTest.refused(new String[] {"model 'odd' cannot be written as Keras: 'fc' Dense: activation \"hard_sigmoid_legacy\" has no Keras counterpart"},
        "export", "--spec", spec.toString(), "--weights", npz.toString(), "--format", "keras", "--out", out.toString());
    assertFalse(Files.exists(out));
  }

  private static void same(KerasModel want, KerasModel got) {
    assertEquals(want.spec(), got.spec());
    assertEquals(want.weights().keySet(), got.weights().keySet());
    for (String k : want.weights().keySet()) {
      assertArrayEquals(want.weights().get(k).toFloats(), got.weights().get(k).toFloats(), k);
    }
  }
}
