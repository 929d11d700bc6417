package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyTest extends RefereeTestBase {

  @Test
  void fiftyConversationsAtOnceAreRecordedCorrectly() throws Exception {
    referee.script().respondWith(r -> r.endsWithToolResult()
        ? Reply.text("It is " + r.lastToolResult())
        : Reply.toolCall("lookup", "{\"q\":\"" + r.lastUserText() + "\"}"));
    int conversations = 50;
    ExecutorService pool = Executors.newFixedThreadPool(conversations);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int n = 0; n < conversations; n++) {
        int id = n;
        results.add(pool.submit(() -> conversation(id)));
      }
      Set<String> callIds = new HashSet<>();
      for (Future<String> f : results) {
        callIds.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(callIds).hasSize(conversations);
    } finally {
      pool.shutdownNow();
    }
    List<RecordedRequest> requests = referee.requests();
    assertThat(requests).hasSize(2 * conversations);
    assertThat(requests).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    assertThat(requests).extracting(RecordedRequest::sequence).doesNotHaveDuplicates();
    assertThat(referee.rejections()).isEmpty();
    for (int n = 0; n < conversations; n++) {
      String question = "question " + n;
      assertThat(requests).filteredOn(r -> question.equals(r.lastUserText())).hasSize(2);
    }
  }

  /** A two-turn Chat Completions conversation; returns the call id the model used. */
  private static String conversation(int n) {
    String user = "{\"role\":\"user\",\"content\":\"question " + n + "\"}";
    JsonNode first = post(Endpoint.CHAT_COMPLETIONS, "{\"model\":\"gpt-4o\",\"messages\":[" + user + "]}").json();
    JsonNode message = first.at("/choices/0/message");
    String callId = message.at("/tool_calls/0/id").asText();
    String tool = "{\"role\":\"tool\",\"tool_call_id\":\"" + callId + "\",\"content\":\"answer " + n + "\"}";
    JsonNode second = post(Endpoint.CHAT_COMPLETIONS,
        "{\"model\":\"gpt-4o\",\"messages\":[" + user + "," + message + "," + tool + "]}").json();
    assertThat(second.at("/choices/0/message/content").asText()).isEqualTo("It is answer " + n);
    return callId;
  }
}
