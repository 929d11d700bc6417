package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Logs at INFO and above (slf4j-simple's default level in tests) never carry tool arguments,
 * outputs, exception texts or keys — only ids and tool names.
 */
class LogHygieneTest {

  private static final String SECRET = "s3cr3t-4111-1111";

  @Test
  void warnLinesCarryIdsOnly() {
    String log = capture(() -> {
      // repair actions
      HistoryGuard.ofDefaults().repair(List.of(Message.user("pay"),
          Message.assistant(ToolCall.of("c1", "pay", "{\"card\":\"" + SECRET + "\"}")),
          Message.user("typed " + SECRET),
          Message.tool(ToolResult.of("c1", "pay", "charged " + SECRET)),
          Message.tool(ToolResult.of("orphan", "pay", "refund " + SECRET))));
      // the loop: a failing tool, a timeout, a failing approval predicate, the call limit
      ScriptedBackend model = new ScriptedBackend()
          .thenCalls(ToolCall.of("c2", "boom", "{\"card\":\"" + SECRET + "\"}"),
              ToolCall.of("c3", "slow", "{\"card\":\"" + SECRET + "\"}"))
          .thenCalls(ToolCall.of("c4", "pay", "{\"card\":\"" + SECRET + "\"}"))
          .thenCalls(ToolCall.of("c5", "boom", "{}"), ToolCall.of("c6", "boom", "{}"));
      LoopTool boom = LoopTool.of(ToolSpec.of("boom", ""), args -> {
        throw new IllegalStateException("declined " + SECRET + " " + args);
      });
      LoopTool slow = LoopTool.of(ToolSpec.of("slow", ""), args -> {
        Thread.sleep(5_000);
        return SECRET;
      });
      LoopTool pay = LoopTool.of(ToolSpec.of("pay", ""), args -> SECRET);
      FunctionInvokingLoop.builder(model).tools(boom, slow, pay)
          .approvalRequiredWhen(call -> {
            throw new IllegalArgumentException("cannot read " + call.argumentsJson());
          })
          .config(LoopConfig.custom().callTimeout(Duration.ofMillis(50)).maxCallsPerRequest(3)
              .approvalRequired(Set.of()).build())
          .build().run(List.of(Message.user("go " + SECRET)));
    });
    assertThat(log).contains("WARN").contains("c1").contains("orphan").contains("c3");
    assertThat(log).doesNotContain(SECRET).doesNotContain("card");
  }

  private static String capture(Runnable r) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
