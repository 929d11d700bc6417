package dev.toolguard.testkit;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gate a tool passes through, to hold a call while it runs: {@link #pass()} (in the tool) counts
 * the entry and blocks until {@link #open()}; {@link #awaitEntered()} (in the test) waits until a
 * call is inside. No sleeps: latches only, every wait bounded by {@link #TIMEOUT_SECONDS} so a broken
 * run fails instead of hanging. Thread-safe.
 */
public final class Gate {

  /** How long any wait of the gate lasts at most before it fails, in seconds. */
  public static final long TIMEOUT_SECONDS = 30;

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch open = new CountDownLatch(1);
  private final AtomicInteger entries = new AtomicInteger();

  /** A gate that is open from the start: the tool runs through it at once. */
  public static Gate alwaysOpen() {
    Gate gate = new Gate();
    gate.open();
    return gate;
  }

  /**
   * Called by the tool: counts the entry, then waits until the gate is open.
   *
   * @throws IllegalStateException if the gate was not opened in time
   * @throws InterruptedException if the waiting thread was interrupted (the tool's call timed out)
   */
  public void pass() throws InterruptedException {
    entries.incrementAndGet();
    entered.countDown();
    if (!open.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the gate was not opened within " + TIMEOUT_SECONDS + " s");
    }
  }

  /**
   * Waits until a call is inside the gate.
   *
   * @throws IllegalStateException if none entered in time
   */
  public void awaitEntered() {
    Race.await(entered, "a call entering the gate");
  }

  /** Lets every call inside, and every later one, through. */
  public void open() {
    open.countDown();
  }

  /** How many calls passed (or wait in) the gate. */
  public int entries() {
    return entries.get();
  }
}
