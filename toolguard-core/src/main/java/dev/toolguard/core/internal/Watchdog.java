package dev.toolguard.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts threads that run a tool call past its deadline. Registering and finishing a watch
 * costs a set insertion and removal: the watchdog thread wakes on a fixed tick while watches exist
 * and sleeps when there are none, so a call that finishes in time never wakes another thread
 * (except the first one after a quiet spell).
 */
final class Watchdog {

  /** How often deadlines are checked: the timeout's resolution. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  static final int RUNNING = 0;
  static final int FINISHED = 1;
  static final int TIMED_OUT = 2;

  static final Watchdog INSTANCE = new Watchdog();

  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private volatile boolean parked;
  private final Thread thread;

  private Watchdog() {
    thread = new Thread(this::patrol, "toolguard-watchdog");
    thread.setDaemon(true);
    thread.start();
  }

  /** One watched call: the thread to interrupt, its deadline, and who won (finish or timeout). */
  static final class Watch {
    final Thread thread;
    final long deadline;
    final AtomicInteger state = new AtomicInteger(RUNNING);
    volatile boolean interruptDelivered;

    Watch(Thread thread, long deadline) {
      this.thread = thread;
      this.deadline = deadline;
    }
  }

  /** Watches the current thread until {@link #finish}; interrupts it after {@code timeoutNanos}. */
  Watch watch(long timeoutNanos) {
    Watch w = new Watch(Thread.currentThread(), System.nanoTime() + timeoutNanos);
    watches.add(w);
    if (parked) {
      LockSupport.unpark(thread);
    }
    return w;
  }

  /**
   * Ends the watch. Returns true when the deadline passed first: then the interrupt it caused has
   * been delivered and cleared from this thread.
   */
  boolean finish(Watch w) {
    watches.remove(w);
    if (w.state.compareAndSet(RUNNING, FINISHED)) {
      return false;
    }
    while (!w.interruptDelivered) {
      Thread.onSpinWait();
    }
    Thread.interrupted();
    return true;
  }

  private void patrol() {
    while (true) {
      if (watches.isEmpty()) {
        parked = true;
        if (watches.isEmpty()) {
          LockSupport.park(this);
        }
        parked = false;
        continue;
      }
      LockSupport.parkNanos(this, TICK_NANOS);
      long now = System.nanoTime();
      for (Watch w : watches) {
        if (now - w.deadline >= 0 && w.state.compareAndSet(RUNNING, TIMED_OUT)) {
          w.thread.interrupt();
          w.interruptDelivered = true;
          watches.remove(w);
        }
      }
    }
  }
}
