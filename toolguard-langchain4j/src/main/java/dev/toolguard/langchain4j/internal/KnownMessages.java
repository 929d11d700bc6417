package dev.toolguard.langchain4j.internal;

import dev.langchain4j.data.message.ChatMessage;
import dev.toolguard.core.Message;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LangChain4j message each core message of one run was converted from, by identity: a core message
 * that is still the very instance converted from a LangChain4j message (core messages are immutable, so
 * it is unchanged) goes back as that message without being converted and compared again. Any other core
 * message is mapped by {@link Messages#toLangChain4j(List)}. For one run of {@code ToolLoop}: its
 * history is converted once, then mapped back for each request, for the memory and for the result.
 * Thread-safe.
 */
public final class KnownMessages {

  private final Map<Message, ChatMessage> sources = new IdentityHashMap<>();

  /** {@link Messages#toCore(List)} of {@code messages}, each core message remembered with its source. */
  public synchronized List<Message> toCore(List<? extends ChatMessage> messages) {
    List<Message> core = Messages.toCore(messages);
    for (int i = 0; i < core.size(); i++) {
      sources.put(core.get(i), messages.get(i));
    }
    return core;
  }

  /** Remembers that {@code core} was converted from {@code source}. */
  synchronized void add(Message core, ChatMessage source) {
    sources.put(core, source);
  }

  /** {@link Messages#toLangChain4j(List)} of {@code history}, each remembered message as its source. */
  public synchronized List<ChatMessage> toLangChain4j(List<Message> history) {
    List<ChatMessage> out = new ArrayList<>(history.size());
    for (Message m : history) {
      ChatMessage source = sources.get(m);
      if (source != null) {
        out.add(source);
      } else {
        out.addAll(Messages.toLangChain4j(List.of(m)));
      }
    }
    return out;
  }
}
