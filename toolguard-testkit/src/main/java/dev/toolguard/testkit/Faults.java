package dev.toolguard.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The queue of injected faults of a referee ({@link ProviderReferee#faults()}).
 *
 * <p>Each request to an endpoint takes the first queued fault that applies to it (same endpoint, or
 * any), which counts down; a fault is used up after {@link Fault#times()} requests. Deterministic: with
 * one client, "the next two requests fail" means exactly those two. A request to which no fault
 * applies is answered normally.
 */
public final class Faults {

  private static final class Entry {
    final Fault fault;
    int remaining;

    Entry(Fault fault) {
      this.fault = fault;
      this.remaining = fault.times();
    }
  }

  private final List<Entry> queue = new ArrayList<>();

  Faults() {}

  /** Queues faults, in order. */
  public Faults add(Fault... faults) {
    synchronized (queue) {
      for (Fault f : faults) {
        queue.add(new Entry(f));
      }
    }
    return this;
  }

  /** The faults still queued, each with the number of requests it still applies to as its {@code times}. */
  public List<Fault> pending() {
    synchronized (queue) {
      List<Fault> out = new ArrayList<>();
      for (Entry e : queue) {
        out.add(e.fault.times(e.remaining));
      }
      return out;
    }
  }

  /** Removes every queued fault. */
  public void clear() {
    synchronized (queue) {
      queue.clear();
      queue.notifyAll();
    }
  }

  /**
   * Waits until every queued fault is taken by the requests it applies to (a delay is taken when its
   * request reaches the referee, before the answer), woken by each take: an event, not a poll. True
   * when none is left; false when {@code timeout} passed first.
   */
  public boolean awaitTaken(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (queue) {
      while (!queue.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(queue, left);
      }
      return true;
    }
  }

  /** Takes the fault for the next request to {@code endpoint}, or null. */
  @Nullable Fault take(Endpoint endpoint) {
    synchronized (queue) {
      for (Iterator<Entry> it = queue.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (e.fault.endpoint() == null || e.fault.endpoint() == endpoint) {
          if (--e.remaining == 0) {
            it.remove();
            queue.notifyAll();
          }
          return e.fault.times(1);
        }
      }
      return null;
    }
  }
}
