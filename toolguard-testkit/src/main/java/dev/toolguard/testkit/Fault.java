package dev.toolguard.testkit;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A failure the referee injects into the next matching request(s), for reliability tests.
 *
 * <p>Make one with a factory, narrow it with {@link #on(Endpoint)} and {@link #times(int)}, and queue it
 * with {@link Faults#add(Fault...)}: {@code referee.faults().add(Fault.rateLimited(Duration.ofSeconds(1)).times(2))}.
 *
 * @param kind what happens
 * @param duration the delay, or the {@code retry-after} of a 429; zero for the other kinds
 * @param events for {@link Kind#DROP_STREAM}: the number of SSE events sent before the drop
 * @param endpoint the endpoint it applies to, or null for any
 * @param times how many matching requests it applies to, at least 1
 */
public record Fault(Kind kind, Duration duration, int events, @Nullable Endpoint endpoint, int times) {

  /** What an injected fault does. */
  public enum Kind {
    /** Answer HTTP 500 with the provider's server error body; the request is not validated. */
    SERVER_ERROR,
    /** Answer HTTP 429 with the provider's rate limit body and {@code retry-after} headers. */
    RATE_LIMITED,
    /** Wait, then answer normally. */
    DELAY,
    /**
     * Validate and answer 200, send the first {@link #events()} SSE events of the stream, then close the
     * connection without finishing the body. A non-streaming request gets its headers and half of
     * its body.
     */
    DROP_STREAM,
    /** Close the connection without any answer. */
    DROP_CONNECTION
  }

  /** Validates the components. */
  public Fault {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("a fault's duration cannot be negative");
    }
    if (events < 0) {
      throw new IllegalArgumentException("events cannot be negative");
    }
    if (times < 1) {
      throw new IllegalArgumentException("a fault applies at least once");
    }
  }

  /** HTTP 500 with the provider's error body, once. */
  public static Fault serverError() {
    return new Fault(Kind.SERVER_ERROR, Duration.ZERO, 0, null, 1);
  }

  /**
   * HTTP 429, once, with {@code retry-after} (whole seconds, rounded up) and {@code retry-after-ms}
   * headers telling the client to wait {@code retryAfter}.
   */
  public static Fault rateLimited(Duration retryAfter) {
    return new Fault(Kind.RATE_LIMITED, retryAfter, 0, null, 1);
  }

  /** Waits {@code delay} before answering normally, once. */
  public static Fault delay(Duration delay) {
    return new Fault(Kind.DELAY, delay, 0, null, 1);
  }

  /** Sends the first {@code events} events of the stream, then drops the connection; once. */
  public static Fault dropStreamAfter(int events) {
    return new Fault(Kind.DROP_STREAM, Duration.ZERO, events, null, 1);
  }

  /** Drops the connection without answering; once. */
  public static Fault dropConnection() {
    return new Fault(Kind.DROP_CONNECTION, Duration.ZERO, 0, null, 1);
  }

  /** This fault for requests to {@code target} only. */
  public Fault on(Endpoint target) {
    return new Fault(kind, duration, events, Objects.requireNonNull(target, "target"), times);
  }

  /** This fault for the next {@code count} matching requests. */
  public Fault times(int count) {
    return new Fault(kind, duration, events, endpoint, count);
  }
}
