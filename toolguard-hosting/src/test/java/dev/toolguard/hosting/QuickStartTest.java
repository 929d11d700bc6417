package dev.toolguard.hosting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The root README's hosting snippet, verbatim between the tags, asked once over HTTP. */
class QuickStartTest {

  @Test
  void theReadmeSnippetServesTheAgent() throws Exception {
    try (ProviderReferee referee = ProviderReferee.start()) {
      ChatBackend backend = Agents.model(referee);
      LoopTool refund = LoopTool.of(new ToolSpec("refund", "Refunds an order",
          "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}}}"), args -> "refunded");
      byte[] secret32Bytes = Agents.SECRET;
      referee.script().enqueue(Reply.toolCall("refund", "{\"order\":\"A1\"}"));

      // tag::quick-start[]
      ResponsesServer server = ResponsesServer.builder(backend, FunctionInvokingLoop.builder().tools(refund)
              .config(LoopConfig.custom().approvalRequired(Set.of("refund")).build()))
          .secret(secret32Bytes).port(0).start();   // server.baseUrl(): http://127.0.0.1:PORT/v1
      // end::quick-start[]

      try (server) {
        HttpResponse<String> asked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/responses")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"input\":\"Refund order A1\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(asked.statusCode()).isEqualTo(200);
        JsonNode item = new ObjectMapper().readTree(asked.body()).at("/output/0");
        assertThat(item.path("type").asText()).isEqualTo("mcp_approval_request");
        assertThat(item.path("name").asText()).isEqualTo("refund");
      }
    }
  }
}
