package dev.toolguard.json.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Message;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A written body and where each message and content of the history went in it: the index in the
 * body's history array ({@code messages} or {@code input}) and a JSON path.
 */
public final class Encoded {

  private final String field;
  private final int[] messageStart;
  private final int[][] contentIndex;
  private final @Nullable String[][] contentPath;
  private @Nullable ObjectNode body;

  Encoded(String field, List<Message> history) {
    this.field = field;
    int n = history.size();
    this.messageStart = new int[n];
    this.contentIndex = new int[n][];
    this.contentPath = new String[n][];
    for (int i = 0; i < n; i++) {
      int size = history.get(i).contents().size();
      contentIndex[i] = new int[size];
      Arrays.fill(contentIndex[i], -1);
      contentPath[i] = new String[size];
    }
  }

  void start(int message, int wireIndex) {
    messageStart[message] = wireIndex;
  }

  void content(int message, int content, int wireIndex, String suffix) {
    contentIndex[message][content] = wireIndex;
    contentPath[message][content] = field + "[" + wireIndex + "]" + suffix;
  }

  void body(ObjectNode written) {
    this.body = written;
  }

  /** The written body. */
  public ObjectNode body() {
    if (body == null) {
      throw new IllegalStateException("nothing written yet");
    }
    return body;
  }

  /** The name of the body's history field. */
  public String field() {
    return field;
  }

  /** The wire index at which message {@code i} starts (or would start, when nothing of it is written). */
  public int messageIndex(int i) {
    return messageStart[i];
  }

  /** The path of message {@code i}, such as {@code messages[3]}. */
  public String messagePath(int i) {
    return field + "[" + messageStart[i] + "]";
  }

  /** The wire index of content {@code k} of message {@code i}, or -1 when it is not written. */
  public int contentIndex(int i, int k) {
    return contentIndex[i][k];
  }

  /** The path of content {@code k} of message {@code i}, or null when it is not written. */
  public @Nullable String contentPath(int i, int k) {
    return contentPath[i][k];
  }

  /** The number of messages of the history written. */
  public int size() {
    return messageStart.length;
  }
}
