package dev.toolguard.core.conversation;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A window over a conversation that evicts whole turns, oldest first, until what is left fits a limit
 * of messages or of tokens: the one window logic of toolguard, which the LangChain4j and Spring AI chat
 * memories apply over their stores.
 *
 * <p>A <em>turn</em> starts at a user message and runs to the next one (what stands before the first
 * user message, an assistant's greeting, is a turn too). The window cuts only where a turn starts, so:
 *
 * <ul>
 *   <li>a call never stays without its results, nor a result without its call, nor an approval answer
 *       without the waiting call it answers (a cut never falls between two messages that name one call
 *       id);
 *   <li>the turn holding a waiting call (an {@link ApprovalRequest}: a call pending approval) is never
 *       evicted, nor anything after it;
 *   <li>the last turn (from the last user message on) is never evicted;
 *   <li>system messages are never evicted: those that stood in the evicted turns are kept, in their order,
 *       before the rest.
 * </ul>
 *
 * <p>The window of a valid history (see {@code HistoryGuard.check}) is valid, and its messages other than
 * the kept system messages are a suffix of the history's that starts with a user message. It fits the limit
 * unless what may not be evicted (the system messages and the turns from the last user message or the
 * first waiting call on) is over the limit on its own: then the window is just that, over the limit —
 * a turn is never cut inside, since a provider refuses a call without its results. A history that fits
 * comes back as the same list instance.
 *
 * <p>The message limit counts every message kept, system messages included (as LangChain4j's and Spring
 * AI's message windows do); the token limit sums {@link TokenCounter#count} over them. Instances are
 * immutable and thread-safe (when the counter is).
 */
public final class TurnWindow {

  private final int limit;
  private final @Nullable TokenCounter counter;

  private TurnWindow(int limit, @Nullable TokenCounter counter) {
    this.limit = limit;
    this.counter = counter;
  }

  /**
   * A window of at most {@code maxMessages} messages.
   *
   * @throws IllegalArgumentException if {@code maxMessages} is less than 1
   */
  public static TurnWindow ofMessages(int maxMessages) {
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages must be 1 or more, was " + maxMessages);
    }
    return new TurnWindow(maxMessages, null);
  }

  /**
   * A window of at most {@code maxTokens} tokens, as {@code counter} counts them.
   *
   * @throws IllegalArgumentException if {@code maxTokens} is less than 1 or {@code counter} is null
   */
  public static TurnWindow ofTokens(int maxTokens, TokenCounter counter) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be 1 or more, was " + maxTokens);
    }
    if (counter == null) {
      throw new IllegalArgumentException("counter must not be null: pass a TokenCounter (with LangChain4j:"
          + " LangChain4jToolGuard.tokenCounter(estimator))");
    }
    return new TurnWindow(maxTokens, counter);
  }

  /**
   * A builder for a chat memory's builder to hold its window's limit in: exactly one of {@link
   * Builder#maxMessages} and {@link Builder#maxTokens} must be set. {@code counterName} is what the caller
   * calls the token-counting argument of its own {@code maxTokens(n, ...)} setter ({@code "counter"},
   * {@code "estimator"}), named in the message when the limit is missing or set twice.
   *
   * @throws IllegalArgumentException if {@code counterName} is null or blank
   */
  public static Builder builder(String counterName) {
    if (counterName == null || counterName.isBlank()) {
      throw new IllegalArgumentException("counterName must not be null or blank: name the token-counting argument,"
          + " for example \"counter\"");
    }
    return new Builder(counterName);
  }

  /** The limit: messages, or tokens for a window {@link #countsTokens() that counts tokens}. */
  public int limit() {
    return limit;
  }

  /** Whether the limit is in tokens (else in messages). */
  public boolean countsTokens() {
    return counter != null;
  }

  /**
   * The size of {@code history} as this window measures it: its messages, or the sum of its tokens.
   *
   * @throws InvalidMessageException if the list or a message in it is null
   * @throws IllegalStateException if the counter gives a negative count
   */
  public long size(List<Message> history) {
    long total = 0;
    for (int i = 0; i < requireHistory(history).size(); i++) {
      total += cost(history, i);
    }
    return total;
  }

  /**
   * {@code history} with its oldest whole turns evicted until it fits (see the class description); the
   * same instance when it fits as it is or nothing may be evicted.
   *
   * @throws InvalidMessageException if the list or a message in it is null
   * @throws IllegalStateException if the counter gives a negative count
   */
  public List<Message> apply(List<Message> history) {
    List<Message> kept = applyTo(history, history);
    return kept == history ? history : List.copyOf(kept);
  }

  /**
   * An adapter's own {@code messages} windowed as their core counterparts {@code history} (one core message
   * per message, in the same order) are by {@link #apply}: the messages whose counterparts are system
   * messages before the {@link #cut}, then everything from it on. The same instance when nothing is
   * evicted, else a new mutable list.
   *
   * @param <T> the adapter's message type
   * @throws IllegalArgumentException if {@code messages} and {@code history} differ in size
   * @throws InvalidMessageException if {@code history} or a message in it is null
   * @throws IllegalStateException if the counter gives a negative count
   */
  public <T> List<T> applyTo(List<T> messages, List<Message> history) {
    requireHistory(history);
    if (messages == null || messages.size() != history.size()) {
      throw new IllegalArgumentException("messages (" + (messages == null ? "null" : messages.size() + " messages")
          + ") must map one to one to history (" + history.size() + " messages)");
    }
    int cut = cut(history);
    if (cut == 0) {
      return messages;
    }
    List<T> out = new ArrayList<>(messages.size() - cut + 1);
    for (int i = 0; i < cut; i++) {
      if (history.get(i).role() == Role.SYSTEM) {
        out.add(messages.get(i));
      }
    }
    out.addAll(messages.subList(cut, messages.size()));
    return out;
  }

  /**
   * Where this window cuts {@code history}: the index of the first message kept other than the system
   * messages before it; 0 when nothing is evicted. {@link #apply} keeps the system messages before the
   * cut and everything from it on; an adapter whose messages map one to one to {@code history} keeps the
   * same of its own.
   *
   * @throws InvalidMessageException if the list or a message in it is null
   * @throws IllegalStateException if the counter gives a negative count
   */
  public int cut(List<Message> history) {
    int n = requireHistory(history).size();
    long[] cost = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      cost[i] = cost(history, i);
      total += cost[i];
    }
    if (total <= limit) {
      return 0;
    }
    int protectedFrom = protectedFrom(history);
    boolean[] blocked = blockedCuts(history);
    // kept(c) = system messages before c + everything from c on; it only shrinks as c grows
    long systemsBefore = 0;
    long suffix = total;
    int chosen = 0;
    for (int c = 1; c <= protectedFrom; c++) {
      Message before = history.get(c - 1);
      suffix -= cost[c - 1];
      if (before.role() == Role.SYSTEM) {
        systemsBefore += cost[c - 1];
      }
      if (history.get(c).role() != Role.USER || blocked[c]) {
        continue;
      }
      chosen = c;
      if (systemsBefore + suffix <= limit) {
        break;
      }
    }
    return chosen;
  }

  /**
   * The first index that may not be evicted: the last user message, or the first message holding a waiting
   * call if that comes first; 0 (nothing may go) when there is no user message.
   */
  private static int protectedFrom(List<Message> history) {
    int lastUser = -1;
    int firstWaiting = -1;
    for (int i = 0; i < history.size(); i++) {
      Message m = history.get(i);
      if (m.role() == Role.USER) {
        lastUser = i;
      }
      if (firstWaiting < 0) {
        for (Content c : m.contents()) {
          if (c instanceof ApprovalRequest) {
            firstWaiting = i;
            break;
          }
        }
      }
    }
    if (lastUser < 0) {
      return 0;
    }
    return firstWaiting < 0 ? lastUser : Math.min(lastUser, firstWaiting);
  }

  /**
   * {@code blocked[c]}: a cut before message c would part two messages that name one call id (a call and
   * its result, a waiting call and its answer).
   */
  private static boolean[] blockedCuts(List<Message> history) {
    int n = history.size();
    Map<String, int[]> spans = new HashMap<>();
    for (int i = 0; i < n; i++) {
      for (Content c : history.get(i).contents()) {
        String id = callId(c);
        if (id == null || id.isEmpty()) {
          continue;
        }
        int at = i;
        spans.merge(id, new int[] {at, at}, (a, b) -> new int[] {a[0], Math.max(a[1], b[1])});
      }
    }
    int[] delta = new int[n + 2];
    for (int[] span : spans.values()) {
      if (span[1] > span[0]) {
        delta[span[0] + 1]++;
        delta[span[1] + 1]--;
      }
    }
    boolean[] blocked = new boolean[n + 1];
    int open = 0;
    for (int c = 0; c <= n; c++) {
      open += delta[c];
      blocked[c] = open > 0;
    }
    return blocked;
  }

  private static @Nullable String callId(Content c) {
    if (c instanceof ToolCall call) {
      return call.callId();
    } else if (c instanceof ToolResult r) {
      return r.callId();
    } else if (c instanceof ApprovalRequest r) {
      return r.callId();
    } else if (c instanceof ApprovalResponse r) {
      return r.callId();
    }
    return null;
  }

  private long cost(List<Message> history, int i) {
    Message m = history.get(i);
    if (m == null) {
      throw new InvalidMessageException("history[" + i + "] is null; leave it out");
    }
    if (counter == null) {
      return 1;
    }
    int tokens = counter.count(m);
    if (tokens < 0) {
      throw new IllegalStateException("the TokenCounter " + counter + " counted " + tokens + " tokens in history["
          + i + "] (" + m.role() + "); a count is 0 or more");
    }
    return tokens;
  }

  private static List<Message> requireHistory(List<Message> history) {
    if (history == null) {
      throw new InvalidMessageException("history is null; pass the list of messages to window");
    }
    return history;
  }

  @Override
  public String toString() {
    return counter == null ? "TurnWindow[" + limit + " messages]" : "TurnWindow[" + limit + " tokens, " + counter
        + "]";
  }

  /** Holds a window's limit as a chat memory's builder is given it; every setter checks its value at once. */
  public static final class Builder {

    private final String counterName;
    private @Nullable Integer maxMessages;
    private @Nullable Integer maxTokens;
    private @Nullable TokenCounter counter;

    private Builder(String counterName) {
      this.counterName = counterName;
    }

    /**
     * A window of at most {@code maxMessages} messages.
     *
     * @throws IllegalArgumentException if {@code maxMessages} is less than 1
     */
    public Builder maxMessages(int maxMessages) {
      if (maxMessages < 1) {
        throw new IllegalArgumentException("maxMessages must be 1 or more, was " + maxMessages);
      }
      this.maxMessages = maxMessages;
      return this;
    }

    /**
     * A window of at most {@code maxTokens} tokens as {@code counter} counts them.
     *
     * @throws IllegalArgumentException if {@code maxTokens} is less than 1 or {@code counter} is null
     */
    public Builder maxTokens(int maxTokens, TokenCounter counter) {
      if (maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be 1 or more, was " + maxTokens);
      }
      if (counter == null) {
        throw new IllegalArgumentException(counterName + " must not be null: pass a TokenCounter");
      }
      this.maxTokens = maxTokens;
      this.counter = counter;
      return this;
    }

    /**
     * The window.
     *
     * @throws IllegalStateException unless exactly one of {@link #maxMessages} and {@link #maxTokens} was set
     */
    public TurnWindow build() {
      if ((maxMessages == null) == (maxTokens == null)) {
        throw new IllegalStateException(maxMessages == null
            ? "set the window's limit: maxMessages(n) or maxTokens(n, " + counterName + ")"
            : "set maxMessages(n) or maxTokens(n, " + counterName + "), not both");
      }
      Integer messages = maxMessages;
      if (messages != null) {
        return ofMessages(messages);
      }
      Integer tokens = maxTokens;
      TokenCounter tokenCounter = counter;
      if (tokens == null || tokenCounter == null) {
        throw new IllegalStateException("maxTokens was set without a " + counterName);
      }
      return ofTokens(tokens, tokenCounter);
    }

    @Override
    public String toString() {
      return "TurnWindow.Builder[maxMessages=" + maxMessages + ", maxTokens=" + maxTokens + ", " + counterName + "="
          + counter + "]";
    }
  }
}
