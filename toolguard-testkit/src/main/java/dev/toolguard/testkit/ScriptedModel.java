package dev.toolguard.testkit;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The model behind the referee ({@link ProviderReferee#script()}): what it answers to a valid request.
 *
 * <p>In order of precedence: the next queued reply ({@link #enqueue(Reply...)}, first in first out,
 * shared by all endpoints); else the function given to {@link #respondWith(Function)}; else a default
 * reply, a short text that mentions the last user message or, when the conversation ends with a tool
 * result, that result ({@link #defaultReply(RecordedRequest)}). Rejected requests never reach the
 * model and consume nothing. Thread-safe.
 */
public final class ScriptedModel {

  private final ConcurrentLinkedQueue<Reply> queue = new ConcurrentLinkedQueue<>();
  private volatile @Nullable Function<RecordedRequest, Reply> responder;

  ScriptedModel() {}

  /** Queues replies, answered to the next valid requests in order. */
  public ScriptedModel enqueue(Reply... replies) {
    queue.addAll(Arrays.asList(replies));
    return this;
  }

  /**
   * Answers every valid request for which no reply is queued with {@code responder}'s reply; the
   * function gets the request (status 200) and may be called from many threads at once.
   */
  public ScriptedModel respondWith(Function<RecordedRequest, Reply> responder) {
    this.responder = Objects.requireNonNull(responder, "responder");
    return this;
  }

  /** The number of queued replies not yet answered. */
  public int pending() {
    return queue.size();
  }

  /** Forgets queued replies and the responder function: back to default replies. */
  public void clear() {
    queue.clear();
    responder = null;
  }

  /** The reply to a valid request. */
  Reply next(RecordedRequest request) {
    Reply queued = queue.poll();
    if (queued != null) {
      return queued;
    }
    Function<RecordedRequest, Reply> f = responder;
    if (f != null) {
      return Objects.requireNonNull(f.apply(request), "the responder function returned null");
    }
    return defaultReply(request);
  }

  /**
   * The reply when nothing is scripted: {@code "Tool result received: <result>"} when the conversation
   * ends with a tool result, else {@code "You said: <last user text>"}, else {@code "Hello! How can I
   * help?"}; quoted texts are cut to 80 characters.
   */
  public static Reply defaultReply(RecordedRequest request) {
    String result = request.lastToolResult();
    if (request.endsWithToolResult() && result != null) {
      return Reply.text("Tool result received: " + abbreviate(result));
    }
    String user = request.lastUserText();
    if (user != null && !user.isBlank()) {
      return Reply.text("You said: " + abbreviate(user));
    }
    return Reply.text("Hello! How can I help?");
  }

  private static String abbreviate(String s) {
    String oneLine = s.strip().replace('\n', ' ');
    return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 79) + "…";
  }
}
