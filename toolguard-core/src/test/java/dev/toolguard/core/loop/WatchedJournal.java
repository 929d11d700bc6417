package dev.toolguard.core.loop;

import dev.toolguard.core.ToolResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/** A journal that counts down {@code held} when a claim finds the call held by another run. */
public class WatchedJournal implements CallJournal {
  private final CallJournal inner;
  private final CountDownLatch held;

  public WatchedJournal(CallJournal inner, CountDownLatch held) {
    this.inner = inner;
    this.held = held;
  }

  @Override
  public Claim claim(CallKey key, String holder, Instant now, Duration lease) {
    Claim c = inner.claim(key, holder, now, lease);
    if (c instanceof Claim.Held) {
      held.countDown();
    }
    return c;
  }

  @Override
  public boolean takeOver(CallKey key, String expiredHolder, String holder, Instant now, Duration lease) {
    return inner.takeOver(key, expiredHolder, holder, now, lease);
  }

  @Override
  public boolean complete(CallKey key, String holder, ToolResult result, Instant now) {
    return inner.complete(key, holder, result, now);
  }

  @Override
  public void release(CallKey key, String holder) {
    inner.release(key, holder);
  }

  @Override
  public int prune(Instant before) {
    return inner.prune(before);
  }
}
