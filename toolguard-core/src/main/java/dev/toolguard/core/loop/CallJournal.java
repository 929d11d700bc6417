package dev.toolguard.core.loop;

import dev.toolguard.core.ToolResult;
import dev.toolguard.core.internal.InMemoryCallJournal;
import java.time.Duration;
import java.time.Instant;

/**
 * Where the loop claims a waiting call before it runs it, and records its result, so that a call is
 * run at most once however often and wherever it is resumed: a double-clicked approval, two
 * instances behind a load balancer, a client's retry, a stale copy of the history.
 *
 * <p>An entry belongs to one conversation ({@link CallKey}): a result recorded for one conversation
 * never answers a call of another, whatever the ids. The loop claims every waiting call that an
 * answer settles (approved, rejected, answered, deferred) before anything runs:
 *
 * <ul>
 *   <li>{@link Claim.Acquired}: run it, then {@link #complete} with the result (or {@link #release} it
 *       when it never started);
 *   <li>{@link Claim.Done}: the call was settled before: its recorded result is reused;
 *   <li>{@link Claim.Held}: another run holds it: the loop waits up to {@link
 *       LoopConfig#claimWait()}, then fails with {@link CallInProgressException}; it never runs it;
 *   <li>{@link Claim.Expired}: its holder died mid-call: the loop {@link #takeOver takes it over} and
 *       answers it "may or may not have run", or runs it again when the tool is {@link
 *       LoopTool#idempotent() idempotent}.
 * </ul>
 *
 * <p>Each method is one atomic step (for a database: one statement on the unique key, never read
 * then write). {@link #inMemory(int)} serves one process; {@code toolguard-jdbc} shares one table
 * between instances. Implementations are thread-safe and throw {@link CallJournalException} when
 * the store fails.
 */
public interface CallJournal {

  /**
   * Claims {@code key} for {@code holder} until {@code now + lease} if it has no entry, atomically,
   * and otherwise tells what the entry holds.
   */
  Claim claim(CallKey key, String holder, Instant now, Duration lease);

  /**
   * Moves a claim whose lease ended ({@link Claim.Expired} of {@code expiredHolder}) to {@code
   * holder}, atomically. False when another caller took it over, or completed it, first.
   */
  boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now, Duration lease);

  /**
   * Records the result of a call that {@code holder} claimed. False when the claim is no longer
   * {@code holder}'s (its lease ended and another run took it over): the result is not recorded.
   */
  boolean complete(CallKey key, String holder, ToolResult result, Instant now);

  /** Removes {@code holder}'s claim of a call that never started, so another run may claim it. */
  void release(CallKey key, String holder);

  /**
   * Removes the entries completed before {@code before} and the claims whose lease ended before it;
   * returns how many. A pruned call that is resumed again is claimed anew, so keep entries for as long
   * as an old copy of a history may come back (at least the approval time-to-live).
   */
  int prune(Instant before);

  /** A journal that keeps nothing: every claim is acquired, so a call resumed twice runs twice. */
  CallJournal NONE = new CallJournal() {
    @Override
    public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
      return new Claim.Acquired(key, holder, now.plus(lease));
    }

    @Override
    public boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now, Duration lease) {
      return true;
    }

    @Override
    public boolean complete(CallKey key, String holder, ToolResult result, Instant now) {
      return true;
    }

    @Override
    public void release(CallKey key, String holder) {}

    @Override
    public int prune(Instant before) {
      return 0;
    }

    @Override
    public String toString() {
      return "CallJournal.NONE";
    }
  };

  /**
   * The characters of keys and outputs that {@link #inMemory(int)} keeps at most: 8 Mi (8,388,608), so
   * about 16 MB of heap at worst, however large the outputs are.
   */
  long DEFAULT_MAX_CHARS = 8L << 20;

  /**
   * A journal in this process's memory that keeps the last {@code capacity} completed calls, and no
   * more of them than fit in {@link #DEFAULT_MAX_CHARS} characters of keys and outputs.
   */
  static CallJournal inMemory(int capacity) {
    return inMemory(capacity, DEFAULT_MAX_CHARS);
  }

  /**
   * A journal in this process's memory that keeps the last {@code capacity} completed calls, and no
   * more of them than fit in {@code maxChars} characters of keys and outputs; the eldest completed
   * go first (claims in progress are never dropped). The newest call is always kept, even when it
   * alone is larger. A call that is no longer remembered is claimed anew if it is resumed again.
   *
   * @throws IllegalArgumentException naming the bound if it is below 1
   */
  static CallJournal inMemory(int capacity, long maxChars) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be at least 1, was " + maxChars);
    }
    return new InMemoryCallJournal(capacity, maxChars);
  }
}
