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
  /** False when only the body is wanted ({@link DialectCodec#write}): nothing is recorded. */
  private final boolean track;
  private final int[] messageStart;
  /** Where the contents of message {@code i} start in the flat arrays below. */
  private final int[] contentStart;
  private final int[] contentIndex;
  /** The field of a written content ({@code ""}, {@code .content}, {@code .tool_calls}), null when not written. */
  private final @Nullable String[] contentField;
  /** The index in that field's array, or -1 when the field is not an array. */
  private final int[] contentSub;
  private @Nullable ObjectNode body;

  Encoded(String field, List<Message> history) {
    this(field, history, true);
  }

  Encoded(String field, List<Message> history, boolean track) {
    this.field = field;
    this.track = track;
    int n = track ? history.size() : 0;
    this.messageStart = new int[n];
    this.contentStart = new int[n + 1];
    int total = 0;
    for (int i = 0; i < n; i++) {
      contentStart[i] = total;
      total += history.get(i).contents().size();
    }
    contentStart[n] = total;
    this.contentIndex = new int[total];
    Arrays.fill(contentIndex, -1);
    this.contentField = new String[total];
    this.contentSub = new int[total];
  }

  void start(int message, int wireIndex) {
    if (track) {
      messageStart[message] = wireIndex;
    }
  }

  /**
   * Records that content {@code content} of message {@code message} went to the wire item {@code
   * wireIndex}, at {@code suffix} in it ({@code ""} for the item itself) and, when {@code sub >= 0},
   * at index {@code sub} of that array field.
   */
  void content(int message, int content, int wireIndex, String suffix, int sub) {
    if (track) {
      int at = contentStart[message] + content;
      contentIndex[at] = wireIndex;
      contentField[at] = suffix;
      contentSub[at] = sub;
    }
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

  private void requireTracked() {
    if (!track) {
      throw new IllegalStateException("positions were not recorded for this body");
    }
  }

  /** The wire index at which message {@code i} starts (or would start, when nothing of it is written). */
  public int messageIndex(int i) {
    requireTracked();
    return messageStart[i];
  }

  /** The path of message {@code i}, such as {@code messages[3]}. */
  public String messagePath(int i) {
    requireTracked();
    return field + "[" + messageStart[i] + "]";
  }

  /** The wire index of content {@code k} of message {@code i}, or -1 when it is not written. */
  public int contentIndex(int i, int k) {
    requireTracked();
    return contentIndex[at(i, k)];
  }

  /** The index of content {@code k} of message {@code i} in its item's array field, or -1 (not in an array, or not written). */
  public int contentSub(int i, int k) {
    requireTracked();
    return contentField[at(i, k)] == null ? -1 : contentSub[at(i, k)];
  }

  /** The path of content {@code k} of message {@code i}, or null when it is not written. */
  public @Nullable String contentPath(int i, int k) {
    requireTracked();
    int at = at(i, k);
    String suffix = contentField[at];
    if (suffix == null) {
      return null;
    }
    String path = field + "[" + contentIndex[at] + "]" + suffix;
    return contentSub[at] < 0 ? path : path + "[" + contentSub[at] + "]";
  }

  private int at(int i, int k) {
    if (k < 0 || contentStart[i] + k >= contentStart[i + 1]) {
      throw new ArrayIndexOutOfBoundsException("message " + i + " has no content " + k);
    }
    return contentStart[i] + k;
  }

  /** The number of messages of the history written. */
  public int size() {
    return messageStart.length;
  }
}
