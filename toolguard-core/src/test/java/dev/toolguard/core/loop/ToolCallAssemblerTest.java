package dev.toolguard.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ToolCall;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolCallAssemblerTest {

  @Test
  void interleavedPiecesOfParallelCallsComeOutWholeInIndexOrder() {
    ToolCallAssembler a = new ToolCallAssembler()
        .add(1, "call_b", "time", "")
        .add(0, "call_a", "weather", "{\"ci")
        .add(1, null, null, "{}")
        .add(0, null, null, "ty\":\"Paris\"}")
        .metadata(0, Map.of("item", "fc_1"));
    assertThat(a.calls()).containsExactly(
        new ToolCall("call_a", "weather", "{\"city\":\"Paris\"}", false, Map.of("item", "fc_1")),
        ToolCall.of("call_b", "time", "{}"));
    assertThat(a.isEmpty()).isFalse();
  }

  @Test
  void aCallThatNeverGotItsNameIsAnError() {
    assertThatThrownBy(() -> new ToolCallAssembler().add(2, "x", null, "{}").calls())
        .hasMessage("the streamed tool call at index 2 never got a function name; the stream is incomplete");
    assertThat(new ToolCallAssembler().isEmpty()).isTrue();
  }
}
