package dev.toolguard.core.loop;

import dev.toolguard.core.ToolResult;
import java.time.Instant;

/**
 * What {@link CallJournal#claim} found for a call, atomically. The states of an entry are NEW (no
 * entry), CLAIMED (a holder runs the call until its lease ends) and DONE (the result is recorded):
 *
 * <pre>
 *   NEW ──claim──▶ CLAIMED(holder, lease) ──complete──▶ DONE(result)
 *                        │  lease ends, holder gone
 *                        └──takeOver──▶ CLAIMED(new holder) ──complete──▶ DONE(result or "outcome unknown")
 * </pre>
 */
public sealed interface Claim {

  /** The caller holds the claim now: it may run the call, and must complete (or release) it. */
  record Acquired(CallKey key, String holder, Instant leaseUntil) implements Claim {}

  /** The call is done: reuse its result, never run it again. */
  record Done(ToolResult result) implements Claim {}

  /** Another holder runs the call and its lease has not ended: wait, never run it. */
  record Held(String holder, Instant leaseUntil) implements Claim {}

  /**
   * A holder claimed the call and its lease ended without a result: it may or may not have run.
   * {@link CallJournal#takeOver} moves the claim to the caller, who answers it.
   */
  record Expired(String holder, Instant leaseUntil) implements Claim {}

  /**
   * An entry with this key holds another call (another tool or other arguments): the waiting call
   * was changed after it was stored.
   */
  record Conflict(String fingerprint) implements Claim {}
}
