package dev.tfgraph.cli.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Numeric options checked where picocli parses them ({@code converter = Ranges.X.class}): a value
 * out of range is a usage error (exit 2) that names the option, the range and the value, e.g.
 * {@code Invalid value for option '--gamma': expected a number in (0, 1], received NaN}. NaN and
 * infinities are refused everywhere. Each option's --help states its range. The checks themselves are
 * {@link NumberConverters}'.
 */
public final class Ranges {
  private Ranges() {}

  /** Counts of epochs, steps, batch rows, repeats: >= 1. */
  public static final class Positive extends NumberConverters.Ints {
    Positive() {
      super(1, Integer.MAX_VALUE);
    }
  }

  /** Warm-up steps, patience: >= 0. */
  public static final class NonNegative extends NumberConverters.Ints {
    NonNegative() {
      super(0, Integer.MAX_VALUE);
    }
  }

  /** --seed: any 64-bit integer. */
  public static final class AnyLong extends NumberConverters.Longs {
    AnyLong() {
      super(Long.MIN_VALUE, Long.MAX_VALUE);
    }
  }

  /** --max-steps: >= 0 (0: no limit). */
  public static final class NonNegativeLong extends NumberConverters.Longs {
    NonNegativeLong() {
      super(0, Long.MAX_VALUE);
    }
  }

  /** --max-image-pixels: >= 1. */
  public static final class PositiveLong extends NumberConverters.Longs {
    PositiveLong() {
      super(1, Long.MAX_VALUE);
    }
  }

  /** --threads: [0, 1024] (0: TF's default). */
  public static final class Threads extends NumberConverters.Ints {
    Threads() {
      super(0, 1024);
    }
  }

  /** --connect-timeout, --wait-timeout: [1, 86400] seconds. */
  public static final class Timeout extends NumberConverters.Longs {
    Timeout() {
      super(1, 86_400);
    }
  }

  /** --step-timeout: [0, 86400] seconds (0: no limit). */
  public static final class StepTimeout extends NumberConverters.Longs {
    StepTimeout() {
      super(0, 86_400);
    }
  }

  /** --taylor-order: [0, 10]. */
  public static final class TaylorOrder extends NumberConverters.Ints {
    TaylorOrder() {
      super(0, 10);
    }
  }

  /** --prototypes-per-class: [1, 1000]. */
  public static final class PrototypesPerClass extends NumberConverters.Ints {
    PrototypesPerClass() {
      super(1, 1000);
    }
  }

  /** ib-vgg16's --image-size: [32, 2048] (five 2x2 poolings need 32). */
  public static final class ImageSize extends NumberConverters.Ints {
    ImageSize() {
      super(32, 2048);
    }
  }

  /** --classes: [1, 100000]. */
  public static final class Classes extends NumberConverters.Ints {
    Classes() {
      super(1, 100_000);
    }
  }

  /** --learning-rate: finite, > 0. */
  public static final class PositiveFinite extends NumberConverters.Doubles {
    PositiveFinite() {
      super(0, true, Double.MAX_VALUE, false);
    }
  }

  /** --clip-norm, --rtol, --atol: finite, >= 0. */
  public static final class NonNegativeFinite extends NumberConverters.Doubles {
    NonNegativeFinite() {
      super(0, false, Double.MAX_VALUE, false);
    }
  }

  /** --gamma: (0, 1]. */
  public static final class Gamma extends NumberConverters.Doubles {
    Gamma() {
      super(0, true, 1, false);
    }
  }

  /** --momentum: [0, 1]. */
  public static final class Momentum extends NumberConverters.Doubles {
    Momentum() {
      super(0, false, 1, false);
    }
  }

  /** --validation-split: [0, 0.5]. */
  public static final class Split extends NumberConverters.Doubles {
    Split() {
      super(0, false, 0.5, false);
    }
  }

  /** bench-sqrt's --sizes entries: BATCHxC, both >= 1, at most 2^31 - 16 floats per batch. */
  public static final class SqrtSize implements ITypeConverter<String> {
    @Override
    public String convert(String s) {
      String[] p = s.strip().split("x", -1);
      String expected = "expected BATCHxC with two integers >= 1 (e.g. 32x64), received '" + s + "'";
      if (p.length != 2) throw new TypeConversionException(expected);
      long b, c;
      try {
        b = Long.parseLong(p[0]);
        c = Long.parseLong(p[1]);
      } catch (NumberFormatException e) {
        throw new TypeConversionException(expected);
      }
      if (b < 1 || c < 1) throw new TypeConversionException(expected);
      if (c > 46_340 || b > (Integer.MAX_VALUE - 16) / (c * c)) {
        throw new TypeConversionException("BATCH x C x C must be at most " + (Integer.MAX_VALUE - 16) + " floats, received '" + s + "'");
      }
      return b + "x" + c;
    }
  }
}
