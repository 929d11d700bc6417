package dev.toolguard.hosting;

import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ProviderReferee;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The hosted agent of the tests: a refund tool that needs approval, over the referee by HTTP. */
final class Agents {
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef-hosting".getBytes(StandardCharsets.UTF_8);

  private Agents() {}

  /** The agent's model: the referee over HTTP, through toolguard-json's Responses backend. */
  static HttpChatBackend model(ProviderReferee referee) {
    return HttpChatBackend.openAiResponses(HttpBackendConfig.builder().baseUrl(referee.openAiBaseUrl())
        .model("gpt-referee").build());
  }

  /** The agent's loop settings; {@code refunds} counts the refunds that really ran. */
  static FunctionInvokingLoop.Builder refundAgent(AtomicInteger refunds) {
    LoopTool refund = LoopTool.of(new ToolSpec("refund", "Refunds an order",
        "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}},\"required\":[\"order\"]}"),
        args -> {
          refunds.incrementAndGet();
          return "refunded";
        });
    return FunctionInvokingLoop.builder()
        .tools(refund)
        .config(LoopConfig.custom().approvalRequired(Set.of("refund")).approvalTtl(Duration.ofHours(1)).build());
  }
}
