package dev.toolguard.springai;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.RepairResult;
import dev.toolguard.springai.internal.MessageMapper;
import java.util.List;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.Message;

/**
 * A {@link ChatMemory} that never hands out a broken history. It decorates any chat memory (a
 * {@code MessageWindowChatMemory} over any repository) and repairs what it returns: a window that
 * cut through a call and its result, a repository that dropped tool messages or kept a call without
 * its result, a process that crashed between storing a call and storing its result. The repair is
 * loss-minimal (see {@link HistoryGuard}) and logged at WARN; a valid history comes back as the very
 * list the delegate returned. Writes go to the delegate unchanged; what is stored is repaired again
 * on every read, never rewritten behind the application's back: a {@code ChatMemory} replaces a
 * conversation only as clear-then-add, which a crash could leave empty. {@link TurnWindowChatMemory}, over
 * a repository, writes a repair back once (so it is logged once).
 *
 * <p>Works with Spring AI's {@code MessageChatMemoryAdvisor} and with {@link ToolGuardAdvisor}.
 * Thread-safe when the delegate is.
 */
public final class ToolGuardChatMemory implements ChatMemory {

  private final ChatMemory delegate;
  private final HistoryGuard guard;

  private ToolGuardChatMemory(ChatMemory delegate, HistoryGuard guard) {
    this.delegate = delegate;
    this.guard = guard;
  }

  /** Guards {@code delegate} with {@link HistoryGuard#ofDefaults()}; a guarded memory is returned as it is. */
  public static ToolGuardChatMemory of(ChatMemory delegate) {
    if (delegate instanceof ToolGuardChatMemory guarded) {
      return guarded;
    }
    return of(delegate, HistoryGuard.ofDefaults());
  }

  /** Guards {@code delegate} with {@code guard}. */
  public static ToolGuardChatMemory of(ChatMemory delegate, HistoryGuard guard) {
    if (delegate == null) {
      throw new IllegalArgumentException("delegate must not be null: give the chat memory to guard");
    }
    if (guard == null) {
      throw new IllegalArgumentException("guard must not be null; use HistoryGuard.ofDefaults()");
    }
    return new ToolGuardChatMemory(delegate, guard);
  }

  /** The memory this one decorates. */
  public ChatMemory delegate() {
    return delegate;
  }

  @Override
  public void add(String conversationId, List<Message> messages) {
    delegate.add(conversationId, messages);
  }

  @Override
  public List<Message> get(String conversationId) {
    List<Message> stored = delegate.get(conversationId);
    MessageMapper mapper = new MessageMapper();
    RepairResult repair = guard.repair(mapper.toCore(stored));
    if (!repair.changed()) {
      return stored;
    }
    return mapper.toSpring(repair.history());
  }

  @Override
  public void clear(String conversationId) {
    delegate.clear(conversationId);
  }

  @Override
  public String toString() {
    return "ToolGuardChatMemory[" + delegate + "]";
  }
}
