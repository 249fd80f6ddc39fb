package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/cli-reference.md is what the commands' definitions print: regenerate it with ./tfgraph reference > docs/cli-reference.md. */
class CliReferenceTest {
  @Test
  void theReferenceIsCurrent() throws Exception {
    String generated = ReferenceCommand.markdown(new CommandLine(new Main()).getCommandSpec());
    String file = Files.readString(Path.of("..", "docs", "cli-reference.md"), StandardCharsets.UTF_8);
    assertEquals(generated, file, "docs/cli-reference.md is stale: regenerate it with ./tfgraph reference > docs/cli-reference.md");
    for (String c : new String[] {"train", "evaluate", "export", "predict", "parity", "spec", "worker"}) {
      assertTrue(file.contains("\n## ./tfgraph " + c + "\n"), c);
    }
    assertTrue(!file.contains("## ./tfgraph reference"), "the hidden command is not listed");
  }
}
