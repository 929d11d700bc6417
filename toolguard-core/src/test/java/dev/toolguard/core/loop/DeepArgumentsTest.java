package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Arguments that are a JSON object nested deeper than core's reader goes used to be answered with
 * "not a JSON object", which is wrong and sends the model looking for a syntax error. The model is
 * now told what is wrong. Found by the openai-java hostile-input test.
 */
class DeepArgumentsTest {

  @Test
  void argumentsNestedTooDeepAreToldAsSuchAndTheToolDoesNotRun() {
    String deep = "{\"a\":".repeat(600) + "1" + "}".repeat(600);
    AtomicInteger runs = new AtomicInteger();
    ScriptedBackend model = new ScriptedBackend()
        .thenCalls(ToolCall.of("c1", "f", deep), ToolCall.of("c2", "f", "{\"a\":[1,\"{[[[\"]}"), ToolCall.of("c3", "f", "[}"))
        .thenText("ok");
    LoopResult r = FunctionInvokingLoop.builder(model)
        .tools(LoopTool.of(dev.toolguard.core.loop.ToolSpec.of("f", ""), args -> "ran " + runs.incrementAndGet())).build()
        .run(List.of(Message.user("go")));

    List<String> outputs = r.history().get(2).toolResults().stream().map(t -> t.output()).toList();
    assertThat(outputs.get(0)).isEqualTo("The arguments of this call nest objects and arrays deeper than 256 levels,"
        + " more than toolguard reads. Call 'f' again with flatter arguments.");
    assertThat(outputs.get(1)).isEqualTo("ran 1");
    assertThat(outputs.get(2)).startsWith("The arguments of this call are not a JSON object.");
    assertThat(runs).hasValue(1);
  }
}
