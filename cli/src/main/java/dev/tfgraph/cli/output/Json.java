package dev.tfgraph.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** The one-line JSON summaries that end a command's standard output. */
public final class Json {
  static final ObjectMapper M = new ObjectMapper();

  private Json() {}

  public static String line(Map<String, Object> m) {
    try {
      return M.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rounds for display; non-finite becomes null (JSON has no NaN). */
  public static Object num(double v, int digits) {
    if (!Double.isFinite(v)) return null;
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
