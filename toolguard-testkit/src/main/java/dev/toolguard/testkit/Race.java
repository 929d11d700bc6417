package dev.toolguard.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The same work started twice at once, for tests that a call resumed twice concurrently runs once.
 *
 * <p>{@link #twice} starts two threads on a {@link CyclicBarrier}; one of them gets into the tool and
 * is held there by a {@link Gate}; the gate opens only once {@code otherTurnedAway} shows that the
 * other run was turned away by the claim the first holds ({@link #watch} counts it down when the call
 * journal answers so), so both runs overlap whatever the scheduling. No sleeps; every wait is bounded
 * by {@link Gate#TIMEOUT_SECONDS}.
 */
public final class Race {

  private Race() {}

  /**
   * What one run gave: its value, or what it threw.
   *
   * @param value the value returned, or null when it threw
   * @param error what it threw, or null
   * @param <T> the type of the value
   */
  public record Outcome<T>(@Nullable T value, @Nullable Throwable error) {

    /** True when the run returned. */
    public boolean ok() {
      return error == null;
    }
  }

  /**
   * Runs {@code run} on two threads released together; opens {@code gate} once a run is inside it and
   * {@code otherTurnedAway} has been counted down; returns both outcomes in the order the threads were
   * made.
   *
   * @throws IllegalStateException if a step did not happen within {@link Gate#TIMEOUT_SECONDS}
   */
  public static <T> List<Outcome<T>> twice(Callable<T> run, Gate gate, CountDownLatch otherTurnedAway) {
    Objects.requireNonNull(run, "run");
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "race");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> futures = new ArrayList<>(2);
      for (int i = 0; i < 2; i++) {
        futures.add(threads.submit(() -> {
          start.await(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS);
          return run.call();
        }));
      }
      try {
        gate.awaitEntered();
        await(otherTurnedAway, "the second run being turned away by the first one's claim");
      } finally {
        gate.open();
      }
      List<Outcome<T>> outcomes = new ArrayList<>(2);
      for (Future<T> f : futures) {
        outcomes.add(outcome(f));
      }
      return outcomes;
    } finally {
      threads.shutdownNow();
    }
  }

  private static <T> Outcome<T> outcome(Future<T> f) {
    try {
      return new Outcome<>(f.get(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS), null);
    } catch (ExecutionException e) {
      return new Outcome<>(null, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("a run did not end within " + Gate.TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a run", e);
    }
  }

  /**
   * {@code delegate} behind a proxy of {@code type} that counts {@code latch} down whenever {@code
   * method} returns a value {@code answer} accepts: e.g. a call journal that counts the claims it
   * answered "held by another run".
   */
  public static <T> T watch(Class<T> type, T delegate, String method, Predicate<@Nullable Object> answer,
      CountDownLatch latch) {
    Objects.requireNonNull(delegate, "delegate");
    Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
      if (m.getDeclaringClass() == Object.class && m.getName().equals("toString")) {
        return "watched " + delegate;
      }
      Object result;
      try {
        result = m.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (m.getName().equals(method) && answer.test(result)) {
        latch.countDown();
      }
      return result;
    });
    return type.cast(proxy);
  }

  /** Waits for {@code latch}, failing after {@link Gate#TIMEOUT_SECONDS} with {@code what} did not happen. */
  static void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("waited " + Gate.TIMEOUT_SECONDS + " s for " + what + "; it did not happen");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }
}
