package dev.tfgraph.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** Every command's help, walked as a user reads it: whole sentences, every option described, no file a user lacks. */
class HelpTextTest {
  static final List<String> OUTSIDE = List.of("CONTRACT", "TF_JAVA_NOTES", "../shared", "STYLE.md");

  static List<CommandLine> commands() {
    List<CommandLine> all = new ArrayList<>();
    CommandLine root = new CommandLine(new Main());
    all.add(root);
    all.addAll(root.getSubcommands().values());
    return all;
  }

  @Test
  void everyOptionOfEveryCommandHasADescription() {
    List<String> missing = new ArrayList<>();
    for (CommandLine c : commands()) {
      for (ArgSpec a : c.getCommandSpec().args()) {
        String d = String.join(" ", a.description()).strip();
        String name = a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel();
        if (d.isEmpty()) missing.add(c.getCommandName() + " " + name);
      }
    }
    assertEquals(List.of(), missing, "options without a description");
  }

  /** The command list shows each command's first line: a whole sentence, not one cut mid-way. */
  @Test
  void theCommandListShowsWholeSentences() {
    for (CommandLine c : commands().subList(1, commands().size())) {
      CommandSpec s = c.getCommandSpec();
      String first = s.usageMessage().header().length > 0 ? s.usageMessage().header()[0] : s.usageMessage().description()[0];
      assertTrue(first.strip().endsWith("."), c.getCommandName() + ": \"" + first + "\"");
    }
    String list = MainTest.run("--help").err() + MainTest.run("--help").out();
    for (CommandLine c : commands().subList(1, commands().size())) {
      if (!c.getCommandSpec().usageMessage().hidden()) assertTrue(list.contains(c.getCommandName()), list);
    }
  }

  @Test
  void helpNamesNoFileOutsideTheRepository() {
    for (CommandLine c : commands()) {
      String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
      for (String f : OUTSIDE) assertFalse(help.contains(f), c.getCommandName() + " --help names " + f + ":\n" + help);
    }
  }

  @Test
  void trainSaysWhichLossesItTrainsWith() {
    String help = MainTest.run("train", "--help").out();
    for (String loss : dev.tfgraph.graph.loss.Losses.NAMES) assertTrue(help.contains(loss), loss + " in:\n" + help);
    assertFalse(help.contains("Trains a model with mean sparse categorical cross-entropy"), help);
  }

  /** --warmup (serving warm-up requests) and --warmup-epochs (learning-rate ramp) say which they are. */
  @Test
  void theTwoWarmupsSayWhichTheyAre() {
    String train = MainTest.run("train", "--help").out().replaceAll("\\s+", " ");
    assertTrue(train.contains("--warmup=N serving warm-up") && train.contains("not --warmup-epochs"), train);
    assertTrue(train.contains("--warmup-epochs=<warmupEpochs> learning-rate warm-up") && train.contains("not --warmup)"), train);
  }
}
