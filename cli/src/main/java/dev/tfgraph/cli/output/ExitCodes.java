package dev.tfgraph.cli.output;

/** The command line's exit codes. */
public final class ExitCodes {
  /** The command did what it was asked. */
  public static final int OK = 0;
  /** parity: the outputs differ from the expected ones beyond the tolerance. */
  public static final int PARITY_FAILED = 1;
  /** The input (an option, a file, a spec) is bad; nothing was written. */
  public static final int BAD_INPUT = 2;
  /** The run failed (TensorFlow, memory, a non-finite loss); what was written before stays. */
  public static final int RUN_FAILED = 3;

  private ExitCodes() {}
}
