package dev.toolguard.core;

import dev.toolguard.core.internal.DefaultHistoryGuard;
import java.util.List;

/**
 * Checks a history against the tool call invariant and repairs it with as little loss as possible.
 *
 * <p>A history is valid when every tool call that must be answered has a non-empty id unique in
 * the history, the messages right after an assistant message with calls are exactly the results of
 * those calls (one each, nothing in between), every result answers a call of its block, no message
 * is empty, and every approval response matches one approval request by call id, tool name and
 * arguments.
 *
 * <p>Repair prefers, in order: moving a result to directly after its call, rebinding a result with
 * an unknown id to the single call it can belong to, removing duplicate results and renaming reused
 * ids, synthesizing an error result for a call that has none, and last dropping what belongs
 * nowhere. Text of every role stays, in order; every complete call/result pair stays; metadata and
 * opaque items stay with their contents. A valid history comes back as the same instance. Every
 * action is logged at WARN with ids only.
 *
 * <p>Instances are immutable and thread-safe.
 */
public interface HistoryGuard {

  /** A guard with {@link RepairPolicy#ofDefaults()}. */
  static HistoryGuard ofDefaults() {
    return DefaultHistoryGuard.DEFAULT;
  }

  /** A guard that repairs by {@code policy}. */
  static HistoryGuard of(RepairPolicy policy) {
    if (policy == null) {
      throw new IllegalArgumentException("policy is null; use RepairPolicy.ofDefaults() for the defaults");
    }
    return new DefaultHistoryGuard(policy);
  }

  /** The policy this guard repairs by. */
  RepairPolicy policy();

  /**
   * The violations of {@code history}, in message order; empty when it is valid.
   *
   * @throws InvalidMessageException if the list or one of its messages is null
   */
  List<Violation> check(List<Message> history);

  /**
   * {@code history} repaired, with every action taken. When {@code history} is valid the result
   * holds the same list instance and no actions. Repairing a repaired history changes nothing.
   *
   * @throws InvalidMessageException if the list or one of its messages is null
   */
  RepairResult repair(List<Message> history);

  /**
   * The violations of {@code history} as {@code dialect}'s provider sees it: the invariant with the
   * dialect's own adjacency, no stricter than the provider. OpenAI Responses takes a result anywhere
   * after its call (other items may stand between them); Anthropic needs the first message that is
   * not a system message to be the user's ({@link ViolationCode#FIRST_MESSAGE_NOT_USER}); OpenAI Chat
   * has the invariant's rules. Each violation's {@link Violation#providerError(Dialect)} is then the
   * provider's answer for this very history, worded as it meets the fault in the body a codec writes
   * for it (indexes of that body, unanswered ids of a message listed together, the block of a second
   * use). This default, for guards that know no dialect, is {@link #check(List)}.
   *
   * @throws InvalidMessageException if the list or one of its messages is null
   */
  default List<Violation> check(List<Message> history, Dialect dialect) {
    return check(history);
  }

  /**
   * {@code history} repaired for {@code dialect}'s provider: what the provider accepts is left as it
   * is (a history valid for {@link #check(List, Dialect)} comes back as the same instance), and for
   * Anthropic a history that would start with the assistant gets a user turn first saying that
   * earlier messages were cut ({@link RepairPolicy#cutHistoryText()}, reported as a {@link
   * RepairAction.Kind#SYNTHESIZE}). This default, for guards that know no dialect, is {@link
   * #repair(List)}.
   *
   * @throws InvalidMessageException if the list or one of its messages is null
   */
  default RepairResult repair(List<Message> history, Dialect dialect) {
    return repair(history);
  }

  /**
   * Returns {@code history} if it is valid.
   *
   * @throws InvalidHistoryException listing the violations otherwise
   */
  default List<Message> requireValid(List<Message> history) {
    List<Violation> violations = check(history);
    if (!violations.isEmpty()) {
      throw new InvalidHistoryException(violations);
    }
    return history;
  }
}
