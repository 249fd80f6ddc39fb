package dev.tfgraph.graph.io;

import dev.tfgraph.graph.data.Examples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tfgraph.graph.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TFRecord framing and tf.train.Example against the files make_images.py wrote with its own Python framing. */
class TfRecordsTest {
  static final Path R = Path.of("..", "testdata", "images", "records");

  @Test
  void readsPythonFramedRecordsPlainAndGzip() throws Exception {
    List<byte[]> train = TfRecords.readAll(R.resolve("train.tfrecord"));
    assertEquals(20, train.size());
    assertEquals(8, TfRecords.readAll(R.resolve("test.tfrecord.gz")).size());
    Map<String, Examples.Feature> f = Examples.parse(train.get(0));
    assertEquals(List.of("image/encoded", "image/class/label"), List.copyOf(f.keySet()));
    assertEquals(List.of(0L), f.get("image/class/label").int64s());
    assertArrayEquals(Files.readAllBytes(Path.of("..", "testdata", "images", "photos", "train", "cat", "cat_00.png")),
        f.get("image/encoded").bytes().get(0));
    // the Java framing writes the same bytes as the Python one
    assertArrayEquals(Files.readAllBytes(R.resolve("train.tfrecord")), TfRecords.frame(train));
  }

  @Test
  void aBadCrcNamesTheFileAndRecord() {
    BadInputException e = assertThrows(BadInputException.class, () -> TfRecords.readAll(R.resolve("bad_crc.tfrecord")));
    assertTrue(e.getMessage().contains("bad_crc.tfrecord: record 2 has a bad data CRC"), e.getMessage());
  }

  @Test
  void truncatedAndForeignFilesAreBadInput(@TempDir Path d) throws Exception {
    byte[] all = Files.readAllBytes(R.resolve("train.tfrecord"));
    Path cut = d.resolve("cut.tfrecord");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length - 3));
    BadInputException e = assertThrows(BadInputException.class, () -> TfRecords.readAll(cut));
    assertTrue(e.getMessage().contains("record 19 is truncated"), e.getMessage());
    Path text = d.resolve("text.tfrecord");
    Files.writeString(text, "hello, this is not a TFRecord file");
    e = assertThrows(BadInputException.class, () -> TfRecords.readAll(text));
    assertTrue(e.getMessage().contains("record 0 has a bad length CRC"), e.getMessage());
  }

  @Test
  void examplesRoundTrip() throws Exception {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("image/encoded", new byte[] {1, 2, 3});
    in.put("image/class/label", -5L);
    Map<String, Examples.Feature> out = Examples.parse(Examples.write(in));
    assertArrayEquals(new byte[] {1, 2, 3}, out.get("image/encoded").bytes().get(0));
    assertEquals(List.of(-5L), out.get("image/class/label").int64s());
  }

  @Test
  void globsAndFolders() {
    assertEquals(List.of(R.resolve("test.tfrecord.gz")), TfRecords.files(R + "/test*"));
    assertEquals(6, TfRecords.files(R.toString()).size());
    assertThrows(BadInputException.class, () -> TfRecords.files(R + "/nothing*"));
  }
}
