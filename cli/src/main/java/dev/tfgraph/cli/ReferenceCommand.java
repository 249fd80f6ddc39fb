package dev.tfgraph.cli;

import dev.tfgraph.cli.output.ExitCodes;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Prints the command line's reference as Markdown, generated from the commands' own definitions (what
 * {@code --help} prints, for every command): docs/cli-reference.md is this output, and a test keeps it current.
 */
@Command(name = "reference", hidden = true, mixinStandardHelpOptions = true, description = "Prints the reference of every command as Markdown (docs/cli-reference.md).")
public final class ReferenceCommand implements Callable<Integer> {
  /** The width the usage text is wrapped at, fixed so that the reference does not depend on the terminal. */
  static final int WIDTH = 110;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    System.out.print(markdown(spec.root()));
    return ExitCodes.OK;
  }

  /**
   * The reference of {@code root} and every visible subcommand, in the root locale (picocli sorts the synopsis'
   * options case-insensitively in the default locale: in a Turkish one, --image-input sorts after --in-memory).
   */
  static String markdown(CommandSpec root) {
    java.util.Locale before = java.util.Locale.getDefault();
    java.util.Locale.setDefault(java.util.Locale.ROOT);
    try {
      return render(root);
    } finally {
      java.util.Locale.setDefault(before);
    }
  }

  private static String render(CommandSpec root) {
    StringBuilder b = new StringBuilder();
    b.append("# Command-line reference\n\n");
    b.append("Generated from the commands' definitions by `./tfgraph reference`; `CliReferenceTest` fails when this file is\n");
    b.append("not what the code prints. Exit codes: 0 success, 1 a parity check failed, 2 bad input (one line on stderr),\n");
    b.append("3 a run that failed on the way.\n\n");
    b.append("```text\n").append(usage(root)).append("```\n");
    for (Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
      CommandSpec c = e.getValue().getCommandSpec();
      if (c.usageMessage().hidden() || !e.getKey().equals(c.name())) continue;
      b.append("\n## ").append(c.qualifiedName(" ").replaceFirst("^tfgraph", "./tfgraph")).append("\n\n");
      b.append("```text\n").append(usage(c)).append("```\n");
    }
    return b.toString();
  }

  private static String usage(CommandSpec c) {
    CommandLine cl = c.commandLine();
    cl.setUsageHelpWidth(WIDTH);
    cl.setUsageHelpLongOptionsMaxWidth(40);
    return cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
  }
}
