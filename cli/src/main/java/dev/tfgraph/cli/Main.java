package dev.tfgraph.cli;

import dev.tfgraph.cli.bench.BenchCommand;
import dev.tfgraph.cli.bench.BenchLayersCommand;
import dev.tfgraph.cli.bench.BenchPredictCommand;
import dev.tfgraph.cli.bench.BenchSqrtCommand;
import dev.tfgraph.cli.output.ExitCodes;
import dev.tfgraph.cli.output.PrintableStream;
import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.RunFailedException;
import dev.tfgraph.graph.UnknownTypeException;
import java.io.PrintStream;
import java.util.Arrays;
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
        DemoCommand.class, WorkerCommand.class, ReferenceCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    PrintStream out = System.out, err = System.err;
    System.setOut(PrintableStream.wrap(out));
    System.setErr(PrintableStream.wrap(err));
    try {
      dev.tfgraph.cli.output.LibraryLog.toStderr();
      UserClasspath.warnOnce();
      return executeEscaped(args);
    } finally {
      System.out.flush();
      System.err.flush();
      System.setOut(out);
      System.setErr(err);
    }
  }

  /** {@link #execute} with control characters in anything printed made visible ({@link PrintableStream}). */
  private static int executeEscaped(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler((ex, a) -> {
      if (verbose) ex.printStackTrace();
      String name = ex.getCommandLine().getCommandName();
      System.err.println("tfgraph: " + oneLine(ex.getMessage()) + " (see ./tfgraph " + (name.equals("tfgraph") ? "" : name + " ") + "--help)");
      return ExitCodes.BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> failure(ex, c, verbose));
    int code;
    try {
      code = cl.execute(args);
    } catch (Throwable t) {   // picocli hands Exceptions to the handler above, never Errors (out of memory, stack overflow)
      code = failure(t, commandOf(cl, args), verbose);
    }
    // System.out swallows write errors (a full disk, a closed pipe): a result nobody received is no success
    if (System.out.checkError()) {
      System.err.println("tfgraph: cannot write to standard output");
      if (code == ExitCodes.OK) code = ExitCodes.RUN_FAILED;
    }
    return code;
  }

  /**
   * As {@link #failure(Throwable, String, boolean)}, the library's option names (skip_bad_images) in a bad-input or
   * run-failed message shown as this command's flags.
   */
  static int failure(Throwable e, CommandLine c, boolean verbose) {
    if ((e instanceof BadInputException || e instanceof RunFailedException) && e.getMessage() != null) {
      Throwable b = e;
      String m = b.getMessage();
      for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
        String flag = o.longestName();
        String snake = flag.replaceFirst("^--", "").replace('-', '_');
        // names with an underscore anywhere; a plain word ("model", "resume") only alone in parentheses, "(resume)":
        // elsewhere it is English in a message, not an option
        if (flag.startsWith("--") && snake.contains("_")) m = m.replaceAll("(?<![\\w.-])" + snake + "(?![\\w])", flag);
        else if (flag.startsWith("--")) m = m.replace("(" + snake + ")", "(" + flag + ")");
      }
      if (!m.equals(b.getMessage())) e = b instanceof BadInputException ? new BadInputException(m, b) : new RunFailedException(m, b);
    }
    return failure(e, c.getCommandName(), verbose);
  }

  /** One line on stderr (a stack trace too with --verbose) and the exit status for a command that threw. */
  static int failure(Throwable e, String command, boolean verbose) {
    if (verbose) e.printStackTrace();
    OutOfMemoryError oom = find(e, OutOfMemoryError.class);
    if (oom != null) {
      System.err.println("tfgraph: out of memory while running " + command + " (" + oom.getMessage() + ", heap limit "
          + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB); raise the heap with TFGRAPH_JAVA_OPTS=\"-Xmx8g -Xss4m\","
          + " or use a smaller --batch-size or model");
      return ExitCodes.RUN_FAILED;
    }
    if (find(e, StackOverflowError.class) != null) {
      System.err.println("tfgraph: stack overflow while running " + command + " (input nested too deeply?);"
          + " raise the stack size with TFGRAPH_JAVA_OPTS=\"-Xss64m\"");
      return ExitCodes.RUN_FAILED;
    }
    String msg = e.getMessage() == null || e.getMessage().isBlank() ? null : oneLine(e.getMessage());
    UnknownTypeException unknown = find(e, UnknownTypeException.class);
    if (unknown != null) msg = oneLine(unknown.getMessage()) + UserClasspath.hint(unknown.type());
    if (e instanceof BadInputException || e instanceof RunFailedException || e instanceof IllegalArgumentException) {
      System.err.println("tfgraph: " + (msg != null ? msg : e.getClass().getSimpleName()));
      return e instanceof RunFailedException ? ExitCodes.RUN_FAILED : ExitCodes.BAD_INPUT;
    }
    System.err.println("tfgraph: " + command + " failed: " + e.getClass().getSimpleName() + (msg != null ? ": " + msg : "")
        + (verbose ? "" : " (--verbose shows where)"));
    return ExitCodes.RUN_FAILED;
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (int depth = 0; e != null && depth < 20; e = e.getCause(), depth++) {
      if (type.isInstance(e)) return type.cast(e);
    }
    return null;
  }

  static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** The subcommand named in args (for messages when picocli could not say). */
  static String commandOf(CommandLine cl, String[] args) {
    for (String a : args) {
      if (cl.getSubcommands().containsKey(a)) return a;
    }
    return "tfgraph";
  }
}
