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
 * One resume started twice at once, for tests that a call resumed twice concurrently runs once.
 *
 * <p>The tool passes the race's {@link #gate()}; the call journal is {@link #watch watched} for the
 * answer that turns a run away (the call is held by another run). {@link #twice} starts two threads
 * on a {@link CyclicBarrier}; one of them gets into the tool and is held at the gate, which opens only
 * once the journal turned the other away, so both runs overlap whatever the scheduling. No sleeps;
 * every wait is bounded by {@link Gate#TIMEOUT_SECONDS}. One race per test.
 */
public final class Race {

  private final Gate gate = new Gate();
  private final CountDownLatch turnedAway = new CountDownLatch(1);

  /** A race with its gate closed. */
  public Race() {}

  /** The gate the raced tool passes through. */
  public Gate gate() {
    return gate;
  }

  /**
   * {@code delegate} behind a proxy of {@code type} that tells this race a run was turned away when
   * {@code method} returns a value {@code turnsAway} accepts: e.g. the claims of a call journal that
   * answer "held by another run".
   */
  public <T> T watch(Class<T> type, T delegate, String method, Predicate<@Nullable Object> turnsAway) {
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
      if (m.getName().equals(method) && turnsAway.test(result)) {
        turnedAway.countDown();
      }
      return result;
    });
    return type.cast(proxy);
  }

  /**
   * How two runs of the same resume ended, once checked that the tool ran once.
   *
   * @param values what the runs that returned returned, in thread order
   * @param refusal what the other run threw, when only one returned
   * @param <T> the type of the values
   */
  public record Settled<T>(List<T> values, @Nullable Throwable refusal) {

    /** Copies the values. */
    public Settled {
      values = List.copyOf(values);
    }
  }

  /**
   * Runs {@code run} on two threads released together; opens the gate once a run is inside it and the
   * other was turned away; and checks the ending: the gate was entered once, and either both runs
   * returned ({@code waits}: the second waited for the first and reused its result) or, when not,
   * exactly one returned and the other threw a {@code refusal}.
   *
   * @throws AssertionError if the runs ended otherwise
   * @throws IllegalStateException if a step did not happen within {@link Gate#TIMEOUT_SECONDS}
   */
  public <T> Settled<T> twice(Callable<T> run, boolean waits, Class<? extends Throwable> refusal) {
    Objects.requireNonNull(run, "run");
    List<T> values = new ArrayList<>(2);
    List<Throwable> errors = new ArrayList<>(2);
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
        await(turnedAway, "the second run being turned away by the first one's claim");
      } finally {
        gate.open();
      }
      for (Future<T> f : futures) {
        collect(f, values, errors);
      }
    } finally {
      threads.shutdownNow();
    }
    if (gate.entries() != 1) {
      throw new AssertionError("the raced tool ran " + gate.entries() + " times, not once");
    }
    boolean expected = waits ? values.size() == 2
        : values.size() == 1 && refusal.isInstance(errors.get(0));
    if (!expected) {
      AssertionError e = new AssertionError((waits ? "both runs should have returned" : "one run should have"
          + " returned and the other thrown " + refusal.getSimpleName()) + "; " + values.size() + " returned, thrown: "
          + errors);
      errors.forEach(e::addSuppressed);
      throw e;
    }
    return new Settled<>(values, errors.isEmpty() ? null : errors.get(0));
  }

  private static <T> void collect(Future<T> f, List<T> values, List<Throwable> errors) {
    try {
      values.add(f.get(Gate.TIMEOUT_SECONDS, TimeUnit.SECONDS));
    } catch (ExecutionException e) {
      errors.add(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("a run did not end within " + Gate.TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a run", e);
    }
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
