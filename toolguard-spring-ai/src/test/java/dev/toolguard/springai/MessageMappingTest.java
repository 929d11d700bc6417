package dev.toolguard.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.springai.internal.MessageMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.content.Media;
import org.springframework.util.MimeTypeUtils;

class MessageMappingTest {

  static List<org.springframework.ai.chat.messages.Message> springHistory() {
    Map<String, Object> props = new HashMap<>();
    props.put("id", "chatcmpl-1");
    props.put("finishReason", "TOOL_CALLS");
    props.put("refusal", null);
    return List.of(
        SystemMessage.builder().text("be brief").metadata(Map.of("source", "config")).build(),
        UserMessage.builder().text("weather in Paris and Rome?")
            .media(new Media(MimeTypeUtils.IMAGE_PNG, URI.create("https://example.invalid/map.png")))
            .build(),
        AssistantMessage.builder().content("").properties(props)
            .toolCalls(List.of(new AssistantMessage.ToolCall("call_1", "function", "weather", "{\"city\":\"Paris\"}"),
                new AssistantMessage.ToolCall("call_2", "function", "weather", "{\"city\":\"Rome\"}")))
            .build(),
        ToolResponseMessage.builder().responses(List.of(
            new ToolResponseMessage.ToolResponse("call_1", "weather", "{\"c\":21}"),
            new ToolResponseMessage.ToolResponse("call_2", "weather", "{\"c\":25}"))).build(),
        new AssistantMessage("Paris 21, Rome 25."));
  }

  @Test
  void anUnchangedHistoryComesBackAsTheSameInstances() {
    MessageMapper mapper = new MessageMapper();
    List<org.springframework.ai.chat.messages.Message> spring = springHistory();
    List<org.springframework.ai.chat.messages.Message> back = mapper.toSpring(mapper.toCore(spring));
    for (int i = 0; i < spring.size(); i++) {
      assertThat(back.get(i)).isSameAs(spring.get(i));
    }
  }

  @Test
  void rebuiltMessagesAreEqualToTheOriginals() {
    List<org.springframework.ai.chat.messages.Message> spring = springHistory();
    List<Message> core = new MessageMapper().toCore(spring);
    List<org.springframework.ai.chat.messages.Message> rebuilt = new MessageMapper().toSpring(core); // another mapper: no identity
    assertThat(rebuilt).isEqualTo(spring);
    assertThat(new MessageMapper().toCore(rebuilt)).isEqualTo(core);
  }

  @Test
  void theCoreModelSeesCallsResultsTextAndMedia() {
    List<Message> core = new MessageMapper().toCore(springHistory());
    assertThat(core).extracting(Message::role)
        .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
    assertThat(core.get(1).contents().get(1)).isInstanceOf(Opaque.class);
    assertThat(core.get(2).toolCalls()).extracting(ToolCall::callId).containsExactly("call_1", "call_2");
    assertThat(core.get(2).contents().get(0)).isEqualTo(Text.of(""));
    assertThat(core.get(2).metadata()).containsEntry(MessageMapper.NULL_KEYS, List.of("refusal"))
        .doesNotContainKey("messageType");
    assertThat(core.get(3).toolResults()).extracting(ToolResult::callId).containsExactly("call_1", "call_2");
    assertThat(core.get(4).text()).isEqualTo("Paris 21, Rome 25.");
  }

  @Test
  void approvalContentsErrorsAndToolguardMetadataSurviveAPlainMapRoundTrip() {
    ToolCall pay = ToolCall.of("call_9", "pay", "{\"amount\":5}");
    ApprovalRequest request = new ApprovalRequest("call_9", pay, Map.of(Metadata.PENDING, Metadata.PENDING_APPROVAL));
    Message assistant = Message.assistant(Text.of("I will pay and look up."), request,
        ToolCall.of("call_8", "lookup", "{}").withMetadata(Metadata.ORIGINAL_CALL_ID, "x"));
    Message tool = Message.tool(new ToolResult("call_8", "lookup", "boom", true, Map.of(Metadata.SYNTHETIC, "loop")));
    Message user = Message.of(Role.USER, ApprovalResponse.reject(request, "too much"));
    List<Message> core = List.of(Message.user("pay 5"), assistant, tool, user);

    List<org.springframework.ai.chat.messages.Message> spring = new MessageMapper().toSpring(core);
    AssistantMessage a = (AssistantMessage) spring.get(1);
    assertThat(a.getToolCalls()).extracting(AssistantMessage.ToolCall::id).containsExactly("call_8"); // never the waiting call
    assertThat(spring.get(3).getText()).isEmpty();

    // what a JSON store would give back: fresh maps and lists, numbers widened
    List<org.springframework.ai.chat.messages.Message> reread = new ArrayList<>();
    for (org.springframework.ai.chat.messages.Message m : spring) {
      reread.add(JsonChatMemoryRepository.read(JsonChatMemoryRepository.write(m)));
    }
    assertThat(new MessageMapper().toCore(reread)).isEqualTo(core);
  }

  @Test
  void tamperedToolguardMetadataIsAClearError() {
    AssistantMessage broken = AssistantMessage.builder().content("x")
        .properties(Map.of(MessageMapper.APPROVAL_REQUESTS, List.of(Map.of("callId", "c1")))).build();
    assertThatThrownBy(() -> new MessageMapper().toCore(List.of(broken)))
        .isInstanceOf(ToolguardException.class)
        .hasMessageContaining("Spring AI message 0 (ASSISTANT)")
        .hasMessageContaining("lacks callId, name or arguments");
  }

  @Test
  void blankArgumentsBecomeAnEmptyObjectAndComeBackBlank() {
    AssistantMessage a = AssistantMessage.builder()
        .toolCalls(List.of(new AssistantMessage.ToolCall("c1", "function", "now", ""))).build();
    List<Message> core = new MessageMapper().toCore(List.of(a));
    assertThat(core.get(0).toolCalls().get(0).argumentsJson()).isEqualTo("{}");
    assertThat(new MessageMapper().toSpring(core)).containsExactly(a);
  }
}
