package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loop's edge cases, with exact outcomes (found by PIT: no test told these apart): the argument
 * limit's edge, and the names the loop and the guard give themselves.
 */
class LoopEdgeCasesTest {

  @Test
  void argumentsOfExactlyTheLimitRunAndOneCharacterMoreAreRefused() {
    String args = "{\"q\":\"abcd\"}"; // 12 characters
    for (int limit : new int[] {12, 11}) {
      ScriptedBackend model = new ScriptedBackend().thenCalls(ToolCall.of("c1", "t", args)).thenText("ok");
      FunctionInvokingLoop loop = FunctionInvokingLoop.builder(model)
          .tools(LoopTool.of(ToolSpec.of("t", ""), a -> "ran"))
          .config(LoopConfig.custom().maxArgumentsLength(limit).build()).build();

      LoopResult r = loop.run(List.of(Message.user("go")));

      assertThat(HistoryGuard.ofDefaults().check(r.history())).isEmpty();
      ToolResult result = r.history().get(2).toolResults().get(0);
      if (limit == 12) {
        assertThat(result.output()).isEqualTo("ran");
      } else {
        assertThat(result.output()).startsWith("The arguments of this call are 12 characters long; the limit is 11.");
      }
    }
  }

  @Test
  void theLoopAndTheGuardNameThemselves() {
    FunctionInvokingLoop loop = FunctionInvokingLoop.builder(new ScriptedBackend())
        .tools(LoopTool.of(ToolSpec.of("weather", ""), a -> "sunny")).build();
    assertThat(loop.toString()).startsWith("FunctionInvokingLoop[").contains("weather");
    assertThat(HistoryGuard.ofDefaults().toString()).startsWith("HistoryGuard[");
  }
}
