package dev.tfgraph.graph;

/**
 * TF op names made from the contract's names (inputs, layers). A contract name is letters, digits,
 * {@code _} and {@code -}; TF's op and scope names must start with a letter, a digit or {@code .}
 * ({@code [A-Za-z0-9.][A-Za-z0-9_.\-/]*}). A name that starts with {@code _} or {@code -} gets a
 * leading {@code .}: no contract name has a {@code .}, so two names never meet in one op name.
 */
public final class OpNames {
  private OpNames() {}

  /**
   * The op name (or scope) for a contract name.
   * @param name a contract name (letters, digits, '_' and '-')
   * @return name, with a leading '.' if it starts with '_' or '-'
   */
  public static String of(String name) {
    return !name.isEmpty() && (name.charAt(0) == '_' || name.charAt(0) == '-') ? "." + name : name;
  }
}
