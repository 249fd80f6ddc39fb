package dev.tfgraph.graph.dist;

import dev.tfgraph.graph.RunFailedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A distributed run that failed because of the cluster: the message names the tasks that do not
 * answer (probed by a TCP connect to each task's address) and the ones TF's error named.
 */
public final class ClusterFailure extends RunFailedException {
  private static final Pattern TASK = Pattern.compile("/job:(chief|worker|ps)/replica:\\d+/task:(\\d+)");
  private static final Pattern CONNECTION_LOST = Pattern.compile("Socket closed|Connection reset|Connection refused|UNAVAILABLE");
  /** The tasks that did not answer when the failure was made. */
  private final List<ClusterSpec.Task> unreachable;

  private ClusterFailure(String message, List<ClusterSpec.Task> unreachable, Throwable cause) {
    super(message, cause);
    this.unreachable = List.copyOf(unreachable);
  }

  /** @return the tasks that did not answer a TCP connect when the failure was made (may be empty) */
  public List<ClusterSpec.Task> unreachable() {
    return unreachable;
  }

  /**
   * Probes every task and describes a failure TF reported, in one line.
   * @param cluster the cluster
   * @param during what the run was doing, e.g. "step 12"
   * @param e what TF threw
   * @return the failure, its cause e
   */
  public static ClusterFailure of(ClusterSpec cluster, String during, RuntimeException e) {
    String msg = String.valueOf(e.getMessage());
    List<ClusterSpec.Task> down = unreachable(cluster, 2000);
    // A connection TF saw break belongs to a task that may take a moment to be gone: look again.
    for (int i = 0; down.isEmpty() && i < 4 && CONNECTION_LOST.matcher(msg).find(); i++) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
      down = unreachable(cluster, 2000);
    }
    Set<String> named = new LinkedHashSet<>();
    Matcher m = TASK.matcher(msg);
    while (m.find()) named.add(m.group(1) + ":" + m.group(2));
    StringBuilder b = new StringBuilder("cluster failure during ").append(during).append(": ");
    if (!down.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (ClusterSpec.Task t : down) parts.add(t + " (" + cluster.address(t) + ")");
      b.append("task").append(down.size() > 1 ? "s " : " ").append(String.join(", ", parts)).append(down.size() > 1 ? " do" : " does")
          .append(" not answer");
    } else if (msg.contains("timed out")) {
      b.append("the step did not finish within the step timeout (step_timeout): a task may be stopped, overloaded or cut off");
    } else if (!named.isEmpty()) {
      b.append("TensorFlow reports a failure on ").append(String.join(", ", named));
    } else {
      b.append("TensorFlow reports");
    }
    String first = msg.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.endsWith(":")).findFirst()
        .orElse(msg.lines().findFirst().orElse("").trim());
    if (first.length() > 300) first = first.substring(0, 300) + "...";
    b.append(" [").append(e.getClass().getSimpleName()).append(": ").append(first).append("]");
    return new ClusterFailure(b.toString(), down, e);
  }

  /**
   * The tasks whose address refuses a TCP connection within {@code timeoutMs}.
   * @param cluster the cluster
   * @param timeoutMs the wait for each connect, in milliseconds
   * @return those tasks, in the order of {@link ClusterSpec#all()}
   */
  public static List<ClusterSpec.Task> unreachable(ClusterSpec cluster, int timeoutMs) {
    List<ClusterSpec.Task> out = new ArrayList<>();
    for (ClusterSpec.Task t : cluster.all()) {
      if (!answers(cluster.address(t), timeoutMs)) out.add(t);
    }
    return out;
  }

  /**
   * Whether a TCP connect to an address succeeds (a connect to itself does not count).
   * @param address "host:port" or "[ipv6]:port"
   * @param timeoutMs the wait, in milliseconds
   * @return true if something listens there
   */
  public static boolean answers(String address, int timeoutMs) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(address.substring(colon + 1));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMs);
      // A connect to a local port nobody listens on can connect to itself (TCP simultaneous open,
      // when the kernel picks that same port as the source port): that is no answer.
      return !(s.getLocalPort() == port && s.getLocalAddress().equals(s.getInetAddress()));
    } catch (IOException e) {
      return false;
    }
  }
}
