package dev.toolguard.json.http.internal;

import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Hands a streamed answer from the HTTP client's threads to the caller's thread, in order: first the
 * {@link HttpResponse.ResponseInfo} (status and headers), then the body's lines, then {@link #END} or a
 * {@link Failure}. The caller waits with a timeout and can be interrupted; {@link #cancel} stops the
 * body.
 */
final class LineQueue implements Flow.Subscriber<String>, HttpResponse.BodyHandler<Void> {

  /** The body ended normally. */
  static final Object END = new Object();

  /** The exchange or the body failed. */
  record Failure(Throwable error) {}

  private static final Pattern CHARSET = Pattern.compile("charset=\"?([^\";\\s]+)", Pattern.CASE_INSENSITIVE);

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private volatile Flow.@Nullable Subscription subscription;
  private volatile boolean cancelled;

  @Override
  public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
    queue.add(info);
    return HttpResponse.BodySubscribers.fromLineSubscriber(this, s -> null, charset(info), null);
  }

  private static Charset charset(HttpResponse.ResponseInfo info) {
    String type = info.headers().firstValue("content-type").orElse("");
    Matcher m = CHARSET.matcher(type);
    if (m.find()) {
      try {
        return Charset.forName(m.group(1));
      } catch (RuntimeException e) {
        return StandardCharsets.UTF_8;
      }
    }
    return StandardCharsets.UTF_8;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (cancelled) {
      s.cancel();
      return;
    }
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(String line) {
    queue.add(line);
  }

  @Override
  public void onError(Throwable error) {
    queue.add(new Failure(error));
  }

  @Override
  public void onComplete() {
    queue.add(END);
  }

  /** Reports a failure of the exchange itself (no answer). */
  void fail(Throwable error) {
    queue.add(new Failure(error));
  }

  /** The next item, or null when none came within {@code timeoutNanos}. */
  @Nullable Object next(long timeoutNanos) throws InterruptedException {
    return queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** Stops the body: the client closes the connection. */
  void cancel() {
    cancelled = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
