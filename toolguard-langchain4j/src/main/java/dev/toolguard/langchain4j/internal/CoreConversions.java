package dev.toolguard.langchain4j.internal;

import dev.langchain4j.data.message.ChatMessage;
import dev.toolguard.core.Message;
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
    Last before = last.get();
    int reuse = 0;
    if (before != null && messages != null) {
      int max = Math.min(before.in().length, messages.size());
      while (reuse < max && before.in()[reuse] == messages.get(reuse)) {
        reuse++;
      }
    }
    List<Message> out = List.copyOf(Messages.toCore(messages, before == null ? List.of() : before.out(), reuse));
    last.set(new Last(messages.toArray(new ChatMessage[0]), out));
    return out;
  }
}
