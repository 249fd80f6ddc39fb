package dev.tfgraph.graph.io;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.model.Model;
import dev.tfgraph.graph.model.ModelTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedJsonTest {
  static String error(String json, String... fragments) {
    BadInputException e = assertThrows(BadInputException.class, () -> Model.fromConfig(json));
    return check(e, fragments);
  }

  static String check(BadInputException e, String... fragments) {
    String m = e.getMessage();
    for (String f : fragments) assertTrue(m.contains(f), "\"" + m + "\" lacks \"" + f + "\"");
    assertEquals(1, m.lines().count(), m);
    assertFalse(m.contains("StreamReadConstraints"), m);
    assertTrue(m.length() < 600, m);
    return m;
  }

  /** Jackson reports a broken limit without a location; the message used to NPE on it (exit 3). */
  @Test
  void deepLongAndHugeJsonIsRefusedWithTheLimit() {
    error("[".repeat(2000), "spec: JSON over a limit", "nesting depth", "(" + BoundedJson.MAX_DEPTH + ")");
    error("{\"format_version\": " + "1".repeat(2000) + "}", "Number value length (2000)", "(" + BoundedJson.MAX_NUMBER_LENGTH + ")");
    error("{\"name\": \"" + "a".repeat(BoundedJson.MAX_STRING_LENGTH + 1) + "\"}", "String value length", "(" + BoundedJson.MAX_STRING_LENGTH + ")");
    error("{\"" + "k".repeat(BoundedJson.MAX_NAME_LENGTH + 1) + "\": 1}", "Name length", "(" + BoundedJson.MAX_NAME_LENGTH + ")");
    error("[" + "0,".repeat((int) BoundedJson.MAX_TOKENS) + "0]", "Token count", "(" + BoundedJson.MAX_TOKENS + ")");
    error("{\"layers\": [", "spec: not valid JSON", "line 1");
    error("", "empty document");
  }

  @Test
  void aKeyGivenTwiceIsRefusedNamingIt() {
    error("{\"name\": \"a\", \"name\": \"b\"}", "not valid JSON", "Duplicate field 'name'", "line 1");
    error(ModelTest.spec("{\"type\": \"Scale\", \"name\": \"s\", \"width\": 3, \"width\": 4}"), "Duplicate field 'width'");
    error(ModelTest.spec("{\"type\": \"Scale\", \"name\": \"s\", \"width\": 3}") + " {}", "not valid JSON", "Trailing token");
  }

  @Test
  void filesAreReadWithinALimitAndDevicesAndPipesAreNotOpened(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.json");
    Files.write(big, new byte[(int) BoundedJson.MAX_FILE_BYTES + 1]);
    check(assertThrows(BadInputException.class, () -> Model.load(big)), big.toString(), "limit of " + BoundedJson.MAX_FILE_BYTES + " bytes");
    check(assertThrows(BadInputException.class, () -> Model.load(dir.resolve("none.json"))), "none.json", "no such file");
    check(assertThrows(BadInputException.class, () -> Model.load(dir)), "folder");
    Path zero = Path.of("/dev/zero");
    if (Files.exists(zero)) {
      check(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(BadInputException.class, () -> Model.load(zero))),
          "/dev/zero", "not a regular file", "" + BoundedJson.MAX_FILE_BYTES);
    }
    Path fifo = dir.resolve("fifo");
    assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
    check(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(BadInputException.class, () -> Model.load(fifo))),
        "fifo", "not a regular file");
  }
}
