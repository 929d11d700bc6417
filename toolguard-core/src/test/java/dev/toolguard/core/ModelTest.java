package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelTest {

  @Test
  void contentsMustSuitTheirRole() {
    assertThatThrownBy(() -> Message.of(Role.USER, ToolCall.of("c1", "t", "{}")))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessage("Message(USER).contents[0] is a ToolCall, which a USER message cannot hold; tool calls belong in"
            + " an ASSISTANT message");
    assertThatThrownBy(() -> Message.of(Role.ASSISTANT, ToolResult.of("c1", "t", "x")))
        .hasMessage("Message(ASSISTANT).contents[0] is a ToolResult, which a ASSISTANT message cannot hold; tool"
            + " results belong in a TOOL message");
    assertThatThrownBy(() -> Message.of(Role.TOOL, Text.of("x")))
        .hasMessage("Message(TOOL).contents[0] is a Text, which a TOOL message cannot hold; a TOOL message holds"
            + " only ToolResults; put anything else in another message");
    assertThatThrownBy(() -> Message.of(Role.ASSISTANT,
        ApprovalResponse.approve(ApprovalRequest.of(ToolCall.of("c1", "t", "{}")))))
        .hasMessageEndingWith("approval responses belong in a USER message");
  }

  @Test
  void missingValuesAreNamed() {
    assertThatThrownBy(() -> ToolCall.of(null, "t", "{}")).isInstanceOf(InvalidMessageException.class)
        .hasMessage("ToolCall.callId is null; give a value");
    assertThatThrownBy(() -> ToolResult.of("c1", "t", null)).hasMessage("ToolResult.output is null; give a value");
    List<Content> contents = new ArrayList<>();
    contents.add(null);
    assertThatThrownBy(() -> new Message(Role.USER, contents, Map.of()))
        .hasMessage("Message(USER).contents[0] is null; leave it out");
    Map<String, Object> meta = new HashMap<>();
    meta.put("k", null);
    assertThatThrownBy(() -> new Text("x", meta))
        .hasMessage("Text: metadata value of 'k' is null; leave the key out instead");
    assertThatThrownBy(() -> Opaque.of(" ", "x")).hasMessage("Opaque.kind is blank; give a non-blank value");
  }

  @Test
  void approvalContentsAlwaysCarryTheCallAsInformational() {
    ToolCall call = ToolCall.of("c1", "pay", "{\"to\":\"bob\"}");
    ApprovalRequest request = ApprovalRequest.of(call);
    assertThat(request.call().informational()).isTrue();
    ApprovalResponse response = ApprovalResponse.approve(request);
    assertThat(response.call().informational()).isTrue();
    assertThat(response.approved()).isTrue();
    assertThat(ApprovalResponse.reject(request, "too much").reason()).isEqualTo("too much");
    assertThat(ApprovalResponse.reject(request, "too much").approved()).isFalse();
    assertThat(ApprovalResponse.approveWithArguments(request, "{}").approved()).isTrue();
    assertThat(ApprovalResponse.respondWith(request, "done by hand").approved()).isFalse();
    assertThat(Message.assistant(request).hasToolCalls()).isFalse();
    assertThatThrownBy(() -> new ApprovalRequest("c2", call, Map.of()))
        .hasMessage("ApprovalRequest c2 carries a call with callId 'c1'; the request and its call must have the"
            + " same callId");
  }

  @Test
  void recordsAreValuesAndMetadataIsImmutableAndOrdered() {
    Map<String, Object> meta = new java.util.LinkedHashMap<>();
    meta.put("b", 1);
    meta.put("a", 2);
    ToolCall call = new ToolCall("c1", "t", "{}", false, meta);
    meta.put("c", 3);
    assertThat(call.metadata().keySet()).containsExactly("b", "a");
    assertThatThrownBy(() -> call.metadata().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(call).isEqualTo(new ToolCall("c1", "t", "{}", false, Map.of("b", 1, "a", 2)));
    assertThat(call.withCallId("c1")).isSameAs(call);
  }

  @Test
  void messageAccessors() {
    Message m = Message.assistant(Text.of("a"), ToolCall.of("c1", "t", "{}"), Text.of("b"),
        ToolCall.of("c2", "t", "{}").asInformational());
    assertThat(m.text()).isEqualTo("a\nb");
    assertThat(m.toolCalls()).extracting(ToolCall::callId).containsExactly("c1");
    assertThat(Message.user("x").toolCalls()).isEmpty();
  }

  @Test
  void dialectsByName() {
    assertThat(Dialect.fromId("openai-responses")).isEqualTo(Dialect.OPENAI_RESPONSES);
    assertThat(Dialect.fromId("bedrock-converse")).isEqualTo(Dialect.BEDROCK_CONVERSE);
    assertThatThrownBy(() -> Dialect.fromId("cohere"))
        .hasMessage("unknown dialect 'cohere'; use one of openai-chat, openai-responses, anthropic, gemini,"
            + " bedrock-converse, mistral, ollama");
  }
}
