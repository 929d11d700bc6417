package dev.toolguard.json.http.internal;

import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Ids for the calls of an answer that came without any (Gemini, Ollama): the codec makes up one from
 * the call's place in the answer ({@code toolguard_0_K}), which the next answer would repeat; this
 * gives such a call a random id instead, unique in the conversation. The codecs never write an id the
 * wire did not have, so the provider never sees it; results are bound by position and name.
 */
final class Ids {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private Ids() {}

  /** {@code message} with call {@code j} renamed where {@code madeUp.get(j)} (the j-th call had no id on the wire). */
  static Message unique(Message message, List<Boolean> madeUp) {
    List<Content> contents = new ArrayList<>(message.contents());
    int j = 0;
    boolean changed = false;
    for (int k = 0; k < contents.size(); k++) {
      if (contents.get(k) instanceof ToolCall call && !call.informational()) {
        if (j < madeUp.size() && madeUp.get(j)) {
          contents.set(k, call.withCallId(fresh()));
          changed = true;
        }
        j++;
      }
    }
    return changed ? message.withContents(contents) : message;
  }

  private static String fresh() {
    StringBuilder sb = new StringBuilder("toolguard_");
    for (int i = 0; i < 16; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }
}
