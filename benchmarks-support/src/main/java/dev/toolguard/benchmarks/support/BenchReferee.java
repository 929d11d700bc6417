package dev.toolguard.benchmarks.support;

import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import java.util.List;

/** The testkit referee as the framework benchmarks use it, and the replies its model gives. */
public final class BenchReferee {

  /** What the quick {@code lookup} tool answers. */
  public static final String QUICK_OUTPUT = "{\"items\":[1,2,3],\"source\":\"lookup\"}";

  private BenchReferee() {}

  /**
   * A referee on 127.0.0.1 whose model asks for {@code calls} on a user message and answers a tool
   * result with text. The JDK HTTP server writes headers and body apart: without TCP_NODELAY every
   * request on a kept-alive connection would wait ~40 ms for a delayed ACK, so it is turned on here
   * (the benchmarks' forks also pass {@code -Dsun.net.httpserver.nodelay=true}).
   */
  public static ProviderReferee start(Reply calls) {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ProviderReferee referee = ProviderReferee.start();
    referee.script().respondWith(request -> request.endsWithToolResult() ? Reply.text("Done: the tool answered.")
        : calls);
    return referee;
  }

  /** One call of {@code lookup}. */
  public static Reply oneLookup() {
    return Reply.toolCall("lookup", "{\"query\":\"weather in Paris\"}");
  }

  /** Eight calls of {@code slow} in one answer. */
  public static Reply eightSlowCalls() {
    Reply.Call[] calls = new Reply.Call[8];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = Reply.call("slow", "{\"item\":\"item " + i + "\"}");
    }
    return Reply.toolCalls(calls);
  }

  /**
   * Checks, before anything is measured, that one way of a benchmark went through the real path: the
   * referee accepted exactly {@code requests} requests and rejected none.
   *
   * @throws IllegalStateException naming what the referee received otherwise
   */
  public static void requireAccepted(ProviderReferee referee, int requests) {
    List<RecordedRequest> received = referee.requests();
    if (received.size() != requests || !referee.rejections().isEmpty()) {
      throw new IllegalStateException("expected " + requests + " accepted requests; the referee received "
          + received + " and rejected " + referee.rejections());
    }
  }

  /**
   * As {@link #requireAccepted(ProviderReferee, int)}, and the last request carried exactly {@code results}
   * tool results in all.
   */
  public static void requireAccepted(ProviderReferee referee, int requests, int results) {
    requireAccepted(referee, requests);
    List<String> ids = referee.requests().get(requests - 1).toolResultIds();
    if (ids.size() != results) {
      throw new IllegalStateException("expected " + results + " tool results in the last request, got " + ids);
    }
  }
}
