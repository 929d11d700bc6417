package dev.toolguard.json.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.json.WireMetadata;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A repaired body written by splicing: the wire items of the messages that repair left as they were
 * (the very message instances of the body that came in, in the same order) are copied from the text
 * that came in, as they are; only the items of the other messages are written. The text is the same
 * JSON value as the repaired request written whole (the codecs are lossless), and a body of 50 MB
 * with a few faults is not serialized again.
 */
public final class Splice {

  private Splice() {}

  /**
   * The repaired body's text, or null when it cannot be spliced (the history field of {@code original}
   * is not an array at the top level, or the positions do not agree with it).
   *
   * @param original the text of the body that came in
   * @param field the body's history field ({@code messages} or {@code input})
   * @param in the history read from {@code original}
   * @param inWritten {@code in} written with positions ({@link DialectCodec#encodeShared})
   * @param out the repaired history
   * @param outWritten {@code out} written with positions, the same way
   */
  public static @Nullable String write(String original, String field, List<Message> in, Encoded inWritten,
      List<Message> out, Encoded outWritten) {
    int[] spans = spans(original, field);
    JsonNode inItems = inWritten.body().get(field);
    JsonNode outItems = outWritten.body().get(field);
    if (spans == null || inItems == null || outItems == null || !inItems.isArray() || !outItems.isArray()
        || inItems.size() != (spans.length - 2) / 2) {
      return null;
    }
    int inCount = inItems.size();
    int outCount = outItems.size();
    // for each output item, the input item it is a copy of, or -1
    int[] copyOf = new int[outCount];
    java.util.Arrays.fill(copyOf, -1);
    IdentityHashMap<Message, Integer> index = new IdentityHashMap<>(in.size() * 2);
    for (int i = 0; i < in.size(); i++) {
      index.put(in.get(i), i);
    }
    int p = 0;
    while (p < out.size()) {
      Integer at = index.get(out.get(p));
      if (at == null || joined(out.get(p))) {
        p++;
        continue;
      }
      int i = at;
      int q = p + 1;
      while (q < out.size() && i + (q - p) < in.size() && out.get(q) == in.get(i + (q - p))) {
        q++;
      }
      // the run ends where a wire item ends on both sides: the next message that writes anything is
      // not joined to the run's last item
      while (q > p && !(boundary(out, q) && boundary(in, i + (q - p)))) {
        q--;
      }
      if (q > p) {
        int outFrom = outWritten.messageIndex(p);
        int outTo = q == out.size() ? outCount : outWritten.messageIndex(q);
        int inFrom = inWritten.messageIndex(i);
        int inTo = i + (q - p) == in.size() ? inCount : inWritten.messageIndex(i + (q - p));
        if (outTo - outFrom == inTo - inFrom && outFrom >= 0 && inFrom >= 0 && outTo <= outCount && inTo <= inCount) {
          for (int e = outFrom; e < outTo; e++) {
            copyOf[e] = inFrom + (e - outFrom);
          }
        }
        p = q;
      } else {
        p++;
      }
    }
    StringBuilder text = new StringBuilder(original.length() + 256);
    text.append(original, 0, spans[0]).append('[');
    int e = 0;
    while (e < outCount) {
      if (e > 0) {
        text.append(',');
      }
      if (copyOf[e] >= 0) {
        // a block of consecutive copies goes as one span of the original text
        int from = copyOf[e];
        int to = from;
        while (e + 1 < outCount && copyOf[e + 1] == to + 1) {
          e++;
          to++;
        }
        text.append(original, spans[2 + 2 * from], spans[3 + 2 * to]);
      } else {
        text.append(Json.write(outItems.get(e)));
      }
      e++;
    }
    text.append(']').append(original, spans[1], original.length());
    return text.toString();
  }

  /** True when no message from {@code q} on writes into the wire item of the message before {@code q}. */
  private static boolean boundary(List<Message> history, int q) {
    for (int j = q; j < history.size(); j++) {
      Message m = history.get(j);
      if (joined(m)) {
        return false;
      }
      if (writes(m)) {
        return true;
      }
    }
    return true;
  }

  private static boolean joined(Message m) {
    return Json.flag(m.metadata(), WireMetadata.JOINED);
  }

  /** True when {@code m} writes something: a message of nothing but informational or virtual contents writes nothing. */
  private static boolean writes(Message m) {
    if (m.contents().isEmpty()) {
      return true;
    }
    for (Content c : m.contents()) {
      if (!Contents.informational(c) && !(c instanceof ToolCall && Json.flag(c.metadata(), WireMetadata.VIRTUAL))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The places in {@code text} of the top-level array {@code field}: its {@code [}, the place after
   * its {@code ]}, then the start and end of each element; null when the field is not an array at the
   * top level. One streaming pass that builds no tree.
   */
  static int @Nullable [] spans(String text, String field) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!name.equals(field)) {
          parser.skipChildren();
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          return null;
        }
        int[] spans = new int[66];
        spans[0] = (int) parser.currentTokenLocation().getCharOffset();
        int n = 2;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          if (n + 2 > spans.length) {
            spans = java.util.Arrays.copyOf(spans, spans.length * 2);
          }
          spans[n] = (int) parser.currentTokenLocation().getCharOffset();
          parser.skipChildren();
          spans[n + 1] = (int) parser.currentLocation().getCharOffset();
          n += 2;
        }
        spans[1] = (int) parser.currentLocation().getCharOffset();
        return java.util.Arrays.copyOf(spans, n);
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
