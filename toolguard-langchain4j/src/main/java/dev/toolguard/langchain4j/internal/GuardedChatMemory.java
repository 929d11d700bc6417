package dev.toolguard.langchain4j.internal;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.langchain4j.TurnWindowChatMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChatMemory} over any other one (a message or token window, over any store) that never
 * hands out a broken history.
 *
 * <p>Writes go to the inner memory unchanged. Each read takes the inner memory's messages and:
 *
 * <ol>
 *   <li>keeps the current exchange whole: if the inner window evicted part of what was added since
 *       the last user message (say a window too small for a user message, a call and its results), the
 *       read gives the system messages and that whole exchange instead;
 *   <li>drops nothing said: what stands before the first user message (an assistant's greeting, the
 *       text that answered an evicted question) is kept;
 *   <li>repairs the rest with the {@link HistoryGate} (logged at WARN): results moved to their calls,
 *       orphans of evicted calls dropped, a lost result (a crash, a tool that threw) answered with an
 *       error result. A provider's own rules (Anthropic: the first message is the user's) are kept by the
 *       guarded model, which knows its provider.
 * </ol>
 *
 * <p>A repair of what the inner memory holds is written back once ({@code inner.set}), so the next read
 * is clean and the repair is logged once, not on every turn, when the inner memory replaces its messages in
 * one store write: LangChain4j's {@code MessageWindowChatMemory} and {@code TokenWindowChatMemory} and
 * toolguard's {@code TurnWindowChatMemory} (another memory is repaired on every read). Over toolguard's {@code
 * ToolGuardChatMemoryStore} the write names the version read: if another writer saved the conversation
 * since, nothing is written (the other writer's state wins, logged at DEBUG) and the repaired messages are
 * handed out all the same. A read that had to restore the current exchange (the window cut it) is not
 * written back: the window would cut it again. Thread-safe: reads and writes are serialized.
 */
public final class GuardedChatMemory implements ChatMemory {

  private static final Logger LOG = LoggerFactory.getLogger("dev.toolguard.langchain4j");

  private final ChatMemory inner;
  private final HistoryGate gate;
  /** The last history converted, whose messages the next one mostly starts with. */
  private final CoreConversions conversions = new CoreConversions();
  /** What this instance added since (and with) the last user message, system messages left out. */
  private final List<ChatMessage> exchange = new ArrayList<>();

  /** Guards {@code inner}. */
  public GuardedChatMemory(ChatMemory inner, HistoryGate gate) {
    this.inner = inner;
    this.gate = gate;
  }

  /** The memory this one guards. */
  public ChatMemory inner() {
    return inner;
  }

  /** The gate this memory repairs with. */
  public HistoryGate gate() {
    return gate;
  }

  @Override
  public Object id() {
    return inner.id();
  }

  @Override
  public synchronized void add(ChatMessage message) {
    inner.add(message);
    track(message);
  }

  @Override
  public synchronized void set(Iterable<ChatMessage> messages) {
    List<ChatMessage> list = new ArrayList<>();
    messages.forEach(list::add);
    inner.set(list);
    exchange.clear();
    for (ChatMessage m : list) {
      track(m);
    }
  }

  private void track(ChatMessage message) {
    if (message instanceof UserMessage) {
      exchange.clear();
    }
    if (!(message instanceof SystemMessage)) {
      exchange.add(message);
    }
  }

  @Override
  public synchronized List<ChatMessage> messages() {
    List<ChatMessage> window = inner.messages();
    List<ChatMessage> whole = withWholeExchange(window);
    List<ChatMessage> repaired = gate.forMemory(whole, conversions);
    if (repaired != whole && whole == window && !repaired.isEmpty() && replacesInOneWrite(inner)) {
      writeBack(repaired);
    }
    return new ArrayList<>(repaired);
  }

  /**
   * Memories whose {@code set} replaces the stored messages with one store write. {@code ChatMemory}'s default
   * {@code set} clears the memory and then adds message by message, which a crash could leave half written,
   * so a repair is written back only to these (named, not referenced: LangChain4j's windows are in the
   * {@code langchain4j} artifact, which wrapping a memory does not need).
   */
  private static final Set<String> REPLACE_IN_ONE_WRITE = Set.of(
      "dev.langchain4j.memory.chat.MessageWindowChatMemory",
      "dev.langchain4j.memory.chat.TokenWindowChatMemory",
      TurnWindowChatMemory.class.getName());

  static boolean replacesInOneWrite(ChatMemory memory) {
    return REPLACE_IN_ONE_WRITE.contains(memory.getClass().getName());
  }

  /** Writes a repaired history to the inner memory once, so that the next read finds it clean. */
  private void writeBack(List<ChatMessage> repaired) {
    try {
      inner.set(repaired);
    } catch (ConversationConflictException e) {
      LOG.debug("memory {}: the repair was not written back: the conversation was saved by another writer since it"
          + " was read (version {}, now {})", inner.id(), e.expectedVersion(), e.actualVersion());
      return;
    }
    exchange.clear();
    for (ChatMessage m : repaired) {
      track(m);
    }
    LOG.debug("memory {}: the repaired history was written back ({} messages)", inner.id(), repaired.size());
  }

  /**
   * The messages with the current exchange kept whole, not repaired:
   * what the toolguard loop reads, so that it sees answers to waiting calls, even wrong ones, and
   * judges them itself before it repairs.
   */
  public synchronized List<ChatMessage> unrepaired() {
    return withWholeExchange(inner.messages());
  }

  @Override
  public synchronized void clear() {
    inner.clear();
    exchange.clear();
  }

  /** {@code window}, or its system messages and the whole current exchange when the window cut it. */
  private List<ChatMessage> withWholeExchange(List<ChatMessage> window) {
    if (exchange.isEmpty()) {
      return window;
    }
    int n = window.size();
    int k = 0;
    while (k < exchange.size() && k < n
        && window.get(n - 1 - k).equals(exchange.get(exchange.size() - 1 - k))) {
      k++;
    }
    if (k == exchange.size()) {
      return window;
    }
    for (int i = 0; i < n - k; i++) {
      if (!(window.get(i) instanceof SystemMessage)) {
        return window; // the window does not end with this exchange: someone else wrote; trust the window
      }
    }
    List<ChatMessage> out = new ArrayList<>(window.subList(0, n - k));
    out.addAll(exchange);
    LOG.debug("memory {}: the window kept {} of the {} messages of the current exchange; handing out all of them",
        inner.id(), k, exchange.size());
    return out;
  }

  @Override
  public String toString() {
    return "LangChain4jToolGuard[" + inner + "]";
  }
}
