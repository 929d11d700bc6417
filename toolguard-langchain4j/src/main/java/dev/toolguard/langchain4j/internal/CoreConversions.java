package dev.toolguard.langchain4j.internal;

import dev.langchain4j.data.message.ChatMessage;
import dev.toolguard.core.Message;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The core form of the last LangChain4j history one guard converted, so that the next history, which
 * mostly starts with the very same message instances (a memory read again after a tool round, the
 * second request of a turn), converts only the messages that are new. LangChain4j messages are
 * immutable, so the same instance has the same core form; a message that is equal but another instance
 * is converted again. Thread-safe: a guard shared by many conversations keeps the last one converted,
 * and a history of another conversation is converted whole, as without it.
 */
final class CoreConversions {

  private record Last(ChatMessage[] in, List<Message> out) {}

  private final AtomicReference<Last> last = new AtomicReference<>();

  /** {@link Messages#toCore(List)} of {@code messages}, an unmodifiable list. */
  List<Message> toCore(List<? extends ChatMessage> messages) {
    if (messages == null) {
      return Messages.toCore((List<ChatMessage>) null); // the error of a null list
    }
    // one pass over the list, whatever it is (a memory's LinkedList has no cheap get)
    ChatMessage[] now = messages.toArray(new ChatMessage[0]);
    Last before = last.get();
    int reuse = 0;
    if (before != null) {
      int max = Math.min(before.in().length, now.length);
      while (reuse < max && before.in()[reuse] == now[reuse]) {
        reuse++;
      }
    }
    List<Message> out =
        List.copyOf(Messages.toCore(Arrays.asList(now), before == null ? List.of() : before.out(), reuse));
    last.set(new Last(now, out));
    return out;
  }
}
