package dev.tfgraph.graph.data;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tf.train.Example} read and written with protobuf-java's wire format, from the field
 * numbers of tensorflow/core/example/example.proto and feature.proto (TF-Java does not ship those
 * classes): Example.features = 1; Features.feature = 1 (map&lt;string, Feature&gt;, entry key = 1,
 * value = 2); Feature.bytes_list = 1, float_list = 2, int64_list = 3, each with repeated value = 1.
 */
public final class Examples {
  private Examples() {}

  /** One feature: the list that is set (the others null). */
  public record Feature(List<byte[]> bytes, List<Float> floats, List<Long> int64s) {
    /** {@return which list is set: "bytes_list", "float_list", "int64_list", or "empty"} */
    public String kind() {
      return bytes != null ? "bytes_list" : floats != null ? "float_list" : int64s != null ? "int64_list" : "empty";
    }
  }

  /**
   * The features of a serialized Example, by key; malformed bytes throw IOException.
   *
   * @param example a serialized tf.train.Example
   * @return each feature by key, in the order read; a repeated key keeps the last
   * @throws IOException when the bytes are not a well-formed message
   */
  public static Map<String, Feature> parse(byte[] example) throws IOException {
    Map<String, Feature> out = new LinkedHashMap<>();
    CodedInputStream in = CodedInputStream.newInstance(example);
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (WireFormat.getTagFieldNumber(tag) == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        CodedInputStream features = in.readBytes().newCodedInput();
        for (int t; (t = features.readTag()) != 0; ) {
          if (WireFormat.getTagFieldNumber(t) == 1 && WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            entry(features.readBytes().newCodedInput(), out);
          } else {
            features.skipField(t);
          }
        }
      } else {
        in.skipField(tag);
      }
    }
    return out;
  }

  private static void entry(CodedInputStream in, Map<String, Feature> out) throws IOException {
    String key = "";
    Feature f = new Feature(null, null, null);
    for (int t; (t = in.readTag()) != 0; ) {
      int field = WireFormat.getTagFieldNumber(t);
      if (field == 1 && WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED) key = in.readStringRequireUtf8();
      else if (field == 2 && WireFormat.getTagWireType(t) == WireFormat.WIRETYPE_LENGTH_DELIMITED) f = feature(in.readBytes().newCodedInput());
      else in.skipField(t);
    }
    out.put(key, f);   // a repeated key: the last wins, as protobuf maps
  }

  private static Feature feature(CodedInputStream in) throws IOException {
    Feature f = new Feature(null, null, null);
    for (int t; (t = in.readTag()) != 0; ) {
      int field = WireFormat.getTagFieldNumber(t);
      if (field < 1 || field > 3 || WireFormat.getTagWireType(t) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        in.skipField(t);
        continue;
      }
      CodedInputStream list = in.readBytes().newCodedInput();
      List<byte[]> bytes = new ArrayList<>();
      List<Float> floats = new ArrayList<>();
      List<Long> ints = new ArrayList<>();
      for (int v; (v = list.readTag()) != 0; ) {
        if (WireFormat.getTagFieldNumber(v) != 1) {
          list.skipField(v);
        } else if (field == 1) {
          bytes.add(list.readByteArray());
        } else if (WireFormat.getTagWireType(v) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {   // packed
          CodedInputStream packed = list.readBytes().newCodedInput();
          while (!packed.isAtEnd()) {
            if (field == 2) floats.add(packed.readFloat());
            else ints.add(packed.readInt64());
          }
        } else if (field == 2) {
          floats.add(list.readFloat());
        } else {
          ints.add(list.readInt64());
        }
      }
      f = field == 1 ? new Feature(bytes, null, null) : field == 2 ? new Feature(null, floats, null) : new Feature(null, null, ints);
    }
    return f;
  }

  /**
   * A serialized Example of bytes features (byte[]) and int64 features (Long), in the map's order.
   *
   * @param features feature key to a byte[] (one bytes_list value) or a Long (one int64_list value)
   * @return the serialized Example
   * @throws ClassCastException when a value is neither byte[] nor Long
   */
  public static byte[] write(Map<String, Object> features) {
    try {
      ByteArrayOutputStream entries = new ByteArrayOutputStream();
      CodedOutputStream e = CodedOutputStream.newInstance(entries);
      for (var kv : features.entrySet()) {
        ByteString list;
        int kind;
        if (kv.getValue() instanceof byte[] b) {
          list = message(o -> o.writeBytes(1, ByteString.copyFrom(b)));
          kind = 1;
        } else {
          long v = (Long) kv.getValue();
          list = message(o -> o.writeInt64(1, v));
          kind = 3;
        }
        ByteString feature = message(o -> o.writeBytes(kind, list));
        e.writeBytes(1, message(o -> {
          o.writeString(1, kv.getKey());
          o.writeBytes(2, feature);
        }));
      }
      e.flush();
      ByteString featuresMsg = ByteString.copyFrom(entries.toByteArray());
      return message(o -> o.writeBytes(1, featuresMsg)).toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** Writes a message's fields. */
  public interface Body {
    /**
     * Writes the message's fields in field-number order.
     *
     * @param o the stream to write to
     * @throws IOException when writing fails
     */
    void write(CodedOutputStream o) throws IOException;
  }

  /**
   * A protobuf message's bytes from its fields (written by field number; also the export's warmup records).
   *
   * @param body writes the fields
   * @return the message's bytes
   * @throws IOException when {@code body} fails
   */
  public static ByteString message(Body body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(b);
    body.write(o);
    o.flush();
    return ByteString.copyFrom(b.toByteArray());
  }
}
