package dev.tfgraph.doctest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed pictures are what their scripts draw from the committed data. */
class DocsPicturesTest {
  @Test
  void theLearningCurveIsDrawnFromItsHistoryFile() throws Exception {
    Path root = Page.repository();
    Path drawn = root.resolve("doctest/target/learning-curve.svg");
    Files.createDirectories(drawn.getParent());
    Scratch.Result r;
    try {
      r = new Scratch(root, "pictures").run(List.of("python3", root.resolve("docs/images/learning_curve.py").toString(),
          root.resolve("docs/images/taylor-cnn-history.json").toString(), drawn.toString()));
    } catch (java.io.IOException e) {
      assumeTrue(false, "no python3 on this machine: " + e.getMessage());
      return;
    }
    assertEquals(0, r.code(), r.tail());
    assertEquals(Files.readString(root.resolve("docs/images/learning-curve.svg"), StandardCharsets.UTF_8),
        Files.readString(drawn, StandardCharsets.UTF_8),
        "docs/images/learning-curve.svg is not what docs/images/learning_curve.py draws from its history file");
  }
}
