package dev.tfgraph.graph.data;

import dev.tfgraph.graph.BadInputException;
import dev.tfgraph.graph.data.ImageStream.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/** The two streamed sources: a class folder's files and TFRecord files, each checked once before training. */
public final class ImageSources {
  private ImageSources() {}

  /** Files a folder's first look left out as not images (skipped, counted once); none for other sources. */
  static List<String> skippedBefore(Source s) {
    return s instanceof FolderSource f ? f.skippedBefore() : List.of();
  }

  /**
   * A class folder's images: every file's first bytes are checked to be an image before training
   * (the full decode happens while streaming); each epoch reads them in a seeded permutation.
   *
   * @param listing the folder's files and their class indices
   * @param o the model input's shape and the reading options (skip_bad_images)
   * @return the source
   * @throws BadInputException when a file is not an image (unless skipped), or none is left
   */
  public static Source folder(ImageFolder.Listing listing, ImageData.Options o) {
    List<ImageFolder.Item> kept = new ArrayList<>();
    List<String> sniffSkipped = new ArrayList<>();
    for (ImageFolder.Item i : listing.items()) {
      String bad = sniff(i.file());
      if (bad == null) {
        kept.add(i);
      } else if (o.skipBadImages()) {
        o.warnings().accept("skipped " + i.file() + " " + bad);
        sniffSkipped.add(i.file().toString());
      } else {
        throw new BadInputException(i.file() + " " + bad + " (skip_bad_images skips such files)");
      }
    }
    if (kept.isEmpty()) throw new BadInputException("no image left to read in " + listing.dir() + " after skipping bad ones");
    return new FolderSource(listing.dir().toString(), List.copyOf(kept), List.copyOf(sniffSkipped));
  }

  private record FolderSource(String dir, List<ImageFolder.Item> items, List<String> skippedBefore) implements Source {
    public int size() {
      return items.size();
    }

    public Iterator<ImageData.Encoded> epoch(int epoch, long seed, boolean shuffle) {
      int[] order = DataSource.order(items.size(), seed, epoch, shuffle);
      return new Iterator<>() {
        int i;

        public boolean hasNext() {
          return i < order.length;
        }

        public ImageData.Encoded next() {
          if (!hasNext()) throw new NoSuchElementException();
          return EncodedExamples.file(items.get(order[i++]));
        }
      };
    }

    public Source subset(int[] positions) {
      List<ImageFolder.Item> s = new ArrayList<>();
      for (int p : positions) s.add(items.get(p));
      return new FolderSource(dir, List.copyOf(s), List.of());
    }

    public String describe() {
      return dir;
    }
  }

  /**
   * TFRecord files read in order through a shuffle buffer of {@code buffer} examples seeded by
   * (seed, epoch), as tf.data's {@code shuffle(buffer)}; every record is read and checked once
   * before training (framing, CRCs, keys, labels), which also counts them.
   *
   * @param files TFRecord files, raw or .gz, read in order
   * @param o the Example keys, number of classes and skip_bad_images
   * @param buffer the shuffle buffer's size in examples, at least 1
   * @return the source
   * @throws BadInputException when a file cannot be read, or a record's framing, CRC, key or label is bad
   */
  public static Source records(List<Path> files, ImageData.Options o, int buffer) {
    int n = 0;
    for (Iterator<ImageData.Encoded> it = EncodedExamples.records(files, o); it.hasNext(); it.next()) n++;
    if (n == 0) throw new BadInputException("no records in " + files);
    return new RecordSource(List.copyOf(files), o, n, Math.max(1, buffer));
  }

  private record RecordSource(List<Path> files, ImageData.Options o, int size, int buffer) implements Source {
    public Iterator<ImageData.Encoded> epoch(int epoch, long seed, boolean shuffle) {
      Iterator<ImageData.Encoded> in = EncodedExamples.records(files, o);
      if (!shuffle) return in;
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + epoch);
      return new Iterator<>() {
        final List<ImageData.Encoded> buf = new ArrayList<>(Math.min(buffer, size));

        public boolean hasNext() {
          while (buf.size() < buffer && in.hasNext()) buf.add(in.next());
          return !buf.isEmpty();
        }

        public ImageData.Encoded next() {
          if (!hasNext()) throw new NoSuchElementException();
          int j = r.nextInt(buf.size());
          ImageData.Encoded e = buf.get(j);
          buf.set(j, buf.get(buf.size() - 1));
          buf.remove(buf.size() - 1);
          return e;
        }
      };
    }

    public Source subset(int[] positions) {
      return null;
    }

    public String describe() {
      return files.size() == 1 ? files.get(0).toString() : files.size() + " TFRecord files";
    }
  }

  /** Null when the file starts as a JPEG, PNG, GIF or BMP does; else why it is not an image. */
  static String sniff(Path file) {
    byte[] h = new byte[4];
    int got;
    try (InputStream in = Files.newInputStream(file)) {
      got = in.readNBytes(h, 0, 4);
    } catch (IOException e) {
      return "cannot be read (" + e.getMessage() + ")";
    }
    if (got == 0) return "is not an image: it is empty";
    boolean jpeg = got >= 3 && (h[0] & 0xff) == 0xFF && (h[1] & 0xff) == 0xD8 && (h[2] & 0xff) == 0xFF;
    boolean png = got >= 4 && (h[0] & 0xff) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G';
    boolean gif = got >= 3 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F';
    boolean bmp = got >= 2 && h[0] == 'B' && h[1] == 'M';
    return jpeg || png || gif || bmp ? null : "is not an image TensorFlow can decode (JPEG, PNG, GIF or BMP): it starts with none of their signatures";
  }
}
