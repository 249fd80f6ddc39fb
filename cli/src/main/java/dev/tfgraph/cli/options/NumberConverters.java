package dev.tfgraph.cli.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The checks behind {@link Ranges}: integers and finite numbers parsed and checked against a range
 * where picocli converts an option's value, a value out of range refused with a message that names
 * the range and the value received (picocli adds the option's name).
 */
public final class NumberConverters {
  private NumberConverters() {}

  /** Integers in [lo, hi]. */
  public abstract static class Ints implements ITypeConverter<Integer> {
    private final long lo, hi;

    Ints(long lo, long hi) {
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    public Integer convert(String s) {
      return (int) checkLong(s, lo, hi);
    }
  }

  /** Integers (long) in [lo, hi]. */
  public abstract static class Longs implements ITypeConverter<Long> {
    private final long lo, hi;

    Longs(long lo, long hi) {
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    public Long convert(String s) {
      return checkLong(s, lo, hi);
    }
  }

  /** Finite numbers between lo and hi, each end open or closed. */
  public abstract static class Doubles implements ITypeConverter<Double> {
    private final double lo, hi;
    private final boolean loOpen, hiOpen;

    public Doubles(double lo, boolean loOpen, double hi, boolean hiOpen) {
      this.lo = lo;
      this.loOpen = loOpen;
      this.hi = hi;
      this.hiOpen = hiOpen;
    }

    @Override
    public Double convert(String s) {
      double v;
      try {
        v = Double.parseDouble(s.strip());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expected " + range() + ", received '" + s + "'");
      }
      boolean ok = Double.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
      if (!ok) throw new TypeConversionException("expected " + range() + ", received " + s.strip());
      return v;
    }

    String range() {
      if (hi == Double.MAX_VALUE) return "a finite number " + (loOpen ? "> " : ">= ") + show(lo);
      return "a number in " + (loOpen ? "(" : "[") + show(lo) + ", " + show(hi) + (hiOpen ? ")" : "]");
    }
  }

  public static long checkLong(String s, long lo, long hi) {
    String range = "an integer in [" + lo + ", " + hi + "]";
    long v;
    try {
      v = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("expected " + range + ", received '" + s + "'" + whyNot(s.strip()));
    }
    if (v < lo || v > hi) throw new TypeConversionException("expected " + range + ", received " + v + " (out of range)");
    return v;
  }

  /** Why a number that is not a long was refused: out of range, or not whole (checked without expanding "1e999999999"). */
  private static String whyNot(String s) {
    java.math.BigDecimal d;
    try {
      d = new java.math.BigDecimal(s);
    } catch (NumberFormatException e) {
      return "";
    }
    if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) return " (not a whole number)";
    return " (out of range)";
  }

  public static String show(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
  }
}
