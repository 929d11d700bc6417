package dev.toolguard.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that stands still until a test moves it with {@link #advance}: for expiry, timeouts by the
 * clock and time stamps, without sleeping. Thread-safe.
 */
public final class ManualClock extends Clock {

  private final AtomicReference<Instant> now;

  private ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /**
   * A clock standing at {@code start}.
   *
   * @throws IllegalArgumentException if {@code start} is null
   */
  public static ManualClock startingAt(Instant start) {
    if (start == null) {
      throw new IllegalArgumentException("start must not be null: pass the instant the clock stands at first");
    }
    return new ManualClock(start);
  }

  /**
   * Moves the clock forward (or back, for a negative {@code d}) by {@code d}.
   *
   * @throws IllegalArgumentException if {@code d} is null
   */
  public void advance(Duration d) {
    if (d == null) {
      throw new IllegalArgumentException("d must not be null: pass how far to move the clock");
    }
    now.updateAndGet(i -> i.plus(d));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock: it keeps UTC. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}
