package dev.toolguard.testkit.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deterministic ids: a counter per prefix, so the first call id of a fresh referee is {@code call_1},
 * the first Anthropic tool use {@code toolu_1}, the first response {@code resp_1}, and so on.
 */
public final class Ids {

  private final ConcurrentHashMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

  /** The next number for {@code prefix}, starting at 1. */
  public long nextNumber(String prefix) {
    return counters.computeIfAbsent(prefix, p -> new AtomicLong()).incrementAndGet();
  }

  /** {@code prefix} followed by its next number, e.g. {@code call_7}. */
  public String next(String prefix) {
    return prefix + nextNumber(prefix);
  }

  /** Starts every counter again at 1. */
  public void reset() {
    counters.clear();
  }
}
