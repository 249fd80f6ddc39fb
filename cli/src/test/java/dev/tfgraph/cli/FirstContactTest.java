package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user meets first (issue 25): traps refused with a way out, numbers out of range said as such. */
class FirstContactTest {
  static void refused(String[] mentions, String... args) {
    MainTest.Run r = MainTest.run(args);
    assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
    HostileInputTest.oneLine(r);
    for (String m : mentions) assertTrue(r.err().contains(m), "\"" + m + "\" in: " + r.err());
  }

  /** Item 12: a frozen backbone nobody loaded would train as random features; refused, naming the file and --no-freeze. */
  @Test
  void aFrozenBackboneWithoutWeightsIsRefused() {
    for (String model : new String[] {"ib-vgg16", "ib-resnet50"}) {
      refused(new String[] {"--model " + model + " keeps its backbone frozen", "--backbone-weights FILE.h5", "_notop.h5",
          ".save_weights(", "--no-freeze"}, "train", "--model", model, "--image-size", "32", "--epochs", "1", "--quiet");
    }
  }

  /** Item 18: an option of a built-in model given with --spec says how to get its effect in a spec. */
  @Test
  void aBuiltInsOptionWithASpecSaysHowToGetIt() {
    refused(new String[] {"--sqrt applies to --model", "not to --spec", "./tfgraph spec --model ib-cnn > my.json", "--spec my.json"},
        "spec", "--spec", HostileInputTest.DEMO.toString(), "--sqrt", "eigh");
    refused(new String[] {"--taylor-order applies to --model taylor-cnn only, not to --model cnn",
        "./tfgraph spec --model cnn > my.json", "or use --model taylor-cnn"}, "spec", "--model", "cnn", "--taylor-order", "2");
  }

  /** Item 10: an integer beyond an option's range is said to be out of range, with the range; a non-integer as such. */
  @Test
  void integersOutOfRangeSayTheRange() {
    refused(new String[] {"--batch-size", "an integer in [1, 2147483647]", "2147483648", "out of range"},
        "train", "--spec", HostileInputTest.DEMO.toString(), "--batch-size", "2147483648");
    refused(new String[] {"--warmup", "an integer in [0, 2147483647]", "out of range"},
        "train", "--spec", HostileInputTest.DEMO.toString(), "--warmup", "2147483648");
    refused(new String[] {"--seed", "1e30", "out of range"}, "train", "--spec", HostileInputTest.DEMO.toString(), "--seed", "1e30");
    refused(new String[] {"--epochs", "2.5", "not a whole number"}, "train", "--spec", HostileInputTest.DEMO.toString(), "--epochs", "2.5");
  }

  /** Item 10: a spec's integer beyond 32 bits is named with the range, not called "not an integer". */
  @Test
  void specIntegersOutOfRangeSayTheRange(@TempDir Path d) throws Exception {
    String[][] cases = {
        {"\"type\": \"Dense\", \"name\": \"fc\", \"units\": 2147483648", "units must be an integer within [-2147483648, 2147483647]"},
        {"\"type\": \"Dense\", \"name\": \"fc\", \"units\": 1e30", "units must be an integer within [-2147483648, 2147483647]"},
        {"\"type\": \"Concatenate\", \"name\": \"s\", \"axis\": 9223372036854775808", "axis must be an integer within"},
        {"\"type\": \"Reshape\", \"name\": \"r\", \"target_shape\": [1099511627776, 1099511627776]", "target_shape must be a list of integers within"}};
    for (String[] c : cases) {
      Path spec = Files.writeString(d.resolve("s.json"), "{\"format_version\": 1, \"name\": \"m\", \"input\": {\"name\": \"x\", \"shape\": [null, 3]},"
          + " \"layers\": [{" + c[0] + "}]}");
      refused(new String[] {c[1]}, "spec", "--spec", spec.toString());
    }
  }

  /** Item 10: an export base that is a dangling symbolic link is said to be one. */
  @Test
  void aDanglingLinkAsTheExportBaseIsNamed(@TempDir Path d) throws Exception {
    Path[] f = MainTest.fixture(d);
    Path link = Files.createSymbolicLink(d.resolve("out"), d.resolve("nowhere"));
    refused(new String[] {"cannot create " + link + ": a symbolic link to " + d.resolve("nowhere") + ", which does not exist"},
        "export", "--spec", f[0].toString(), "--weights", f[1].toString(), "--out", link.toString());
  }
}
