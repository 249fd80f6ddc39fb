package dev.tfgraph.cli;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * ./tfgraph: exit 0 success, 1 a parity check failed, 2 bad usage or bad input (one line on
 * stderr, a stack trace only with --verbose), 3 a run that failed on the way.
 */
@Command(name = "tfgraph", mixinStandardHelpOptions = true, version = "tfgraph 0.1.0",
    description = "Neural networks as native TensorFlow graphs: train in Java, export SavedModels, prove parity.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, ExportCommand.class, PredictCommand.class,
        ParityCommand.class, InspectCommand.class, WeightsCommand.class, BenchCommand.class, BenchSqrtCommand.class, BenchLayersCommand.class, BenchPredictCommand.class, SpecCommand.class,
        DemoCommand.class, WorkerCommand.class})
public final class Main implements Runnable {
  public static final int OK = 0, PARITY_FAILED = 1, BAD_INPUT = 2, RUN_FAILED = 3;

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, a) -> {
      System.err.println("tfgraph: " + ex.getMessage());
      System.err.println("(see ./tfgraph " + (ex.getCommandLine().getCommandName().equals("tfgraph") ? "" : ex.getCommandLine().getCommandName() + " ") + "--help)");
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      if (verbose) ex.printStackTrace();
      Throwable e = ex;
      if (e instanceof OutOfMemoryError) {
        System.err.println("tfgraph: out of memory (" + e.getMessage() + "); use a smaller --batch-size or more heap");
        return RUN_FAILED;
      }
      String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      msg = msg.strip().replace('\n', ' ');
      System.err.println("tfgraph: " + msg);
      if (e instanceof BadInputException) return BAD_INPUT;
      if (e instanceof RunFailedException) return RUN_FAILED;
      if (e instanceof IllegalArgumentException) return BAD_INPUT;
      return RUN_FAILED;
    });
    return cl.execute(args);
  }
}
