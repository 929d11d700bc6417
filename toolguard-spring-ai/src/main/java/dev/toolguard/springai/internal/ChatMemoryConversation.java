package dev.toolguard.springai.internal;

import dev.toolguard.core.Message;
import dev.toolguard.core.conversation.ConversationStore;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.memory.ChatMemory;

/**
 * One Spring AI {@link ChatMemory} conversation as the store of core's conversation flow, for one run:
 * it hands out the history read before the run and writes the run's history back — appended when
 * what was stored is unchanged (so an append-only memory stays append-only), else replaced. A {@code
 * ChatMemory} has no versions: two instances writing one conversation at once can overwrite each other;
 * the advisor's {@code conversationStore} is the versioned alternative.
 */
public final class ChatMemoryConversation implements ConversationStore {

  private final ChatMemory memory;
  private final MessageMapper mapper;
  private final List<org.springframework.ai.chat.messages.Message> stored;
  private final List<Message> loaded;

  /**
   * The conversation of {@code memory} whose Spring AI messages were read as {@code stored} and mapped
   * by {@code mapper} to {@code loaded}.
   */
  public ChatMemoryConversation(ChatMemory memory, MessageMapper mapper,
      List<org.springframework.ai.chat.messages.Message> stored, List<Message> loaded) {
    this.memory = memory;
    this.mapper = mapper;
    this.stored = List.copyOf(stored);
    this.loaded = List.copyOf(loaded);
  }

  @Override
  public Snapshot load(String key) {
    return new Snapshot(loaded, 0);
  }

  @Override
  public long save(String key, long expectedVersion, List<Message> messages) {
    List<org.springframework.ai.chat.messages.Message> after = mapper.toSpring(messages);
    boolean prefix = after.size() >= stored.size();
    for (int i = 0; prefix && i < stored.size(); i++) {
      prefix = after.get(i) == stored.get(i); // the mapper hands back the very messages it was given
    }
    if (prefix) {
      if (after.size() > stored.size()) {
        memory.add(key, new ArrayList<>(after.subList(stored.size(), after.size())));
      }
    } else {
      memory.clear(key);
      if (!after.isEmpty()) {
        memory.add(key, after);
      }
    }
    return expectedVersion + 1;
  }

  @Override
  public String toString() {
    return "ChatMemoryConversation[" + memory + "]";
  }
}
