package dev.toolguard.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.HistoryGuard;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.RepairResult;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two-way mapping between LangChain4j messages and the core model. */
class MessagesTest {

  static ToolExecutionRequest call(String id, String name, String args) {
    return ToolExecutionRequest.builder().id(id).name(name).arguments(args).build();
  }

  /** One of every kind, with what core does not model: names, attributes, thinking, images, nulls. */
  static List<ChatMessage> everyKind() {
    return List.of(
        SystemMessage.from("You book trains."),
        UserMessage.builder().name("ann")
            .contents(List.of(TextContent.from("Book this"), ImageContent.from("https://example.com/t.png")))
            .attributes(Map.of("cache_control", "ephemeral")).build(),
        AiMessage.builder().text("Looking.").thinking("she wants Lyon")
            .toolExecutionRequests(List.of(call("call_1", "search", "{\"to\":\"Lyon\"}"),
                call("call_2", "price", "{}")))
            .attributes(Map.of("thinking_signature", "sig==", "redacted_thinking", List.of("abc"))).build(),
        ToolExecutionResultMessage.builder().id("call_1").toolName("search").text("9:40")
            .attributes(Map.of("cache_control", "ephemeral")).build(),
        ToolExecutionResultMessage.builder().id("call_2").toolName("price")
            .contents(TextContent.from("42"), TextContent.from("EUR")).isError(false).build(),
        CustomMessage.from(Map.of("role", "developer", "content", "hi")),
        AiMessage.from("Done."));
  }

  @Test
  void aValidHistoryComesBackAsTheSameList() {
    List<ChatMessage> history = everyKind();
    assertThat(LangChain4jToolGuard.ofDefaults().repair(history)).isSameAs(history);
  }

  @Test
  void everyMessageMapsBackToTheSameObject() {
    List<ChatMessage> history = everyKind();
    List<Message> core = LangChain4jToolGuard.toCore(history);
    assertThat(core).hasSize(history.size());
    List<ChatMessage> back = LangChain4jToolGuard.fromCore(core);
    assertThat(back).hasSize(history.size());
    for (int i = 0; i < history.size(); i++) {
      assertThat(back.get(i)).isSameAs(history.get(i));
    }
  }

  @Test
  void coreSeesRolesTextsCallsResultsAndOpaqueItems() {
    List<Message> core = LangChain4jToolGuard.toCore(everyKind());
    assertThat(core).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL,
        Role.TOOL, Role.SYSTEM, Role.ASSISTANT);
    assertThat(core.get(1).contents()).hasSize(2).first().isEqualTo(Text.of("Book this"));
    assertThat(core.get(1).contents().get(1)).isInstanceOf(Opaque.class);
    Message ai = core.get(2);
    assertThat(ai.contents().get(0)).isEqualTo(Opaque.of("thinking", "she wants Lyon"));
    assertThat(ai.text()).isEqualTo("Looking.");
    assertThat(ai.toolCalls()).extracting(ToolCall::callId).containsExactly("call_1", "call_2");
    ToolResult multi = core.get(4).toolResults().get(0);
    assertThat(multi.output()).isEqualTo("42\nEUR");
    assertThat(multi.error()).isFalse();
    assertThat(core.get(5).contents().get(0)).isInstanceOf(Opaque.class);
  }

  @Test
  void nullIdsAndArgumentsSurviveTheRoundTrip() {
    ToolExecutionRequest legacy = ToolExecutionRequest.builder().name("f").build();
    AiMessage ai = AiMessage.from(legacy);
    ToolExecutionResultMessage result = ToolExecutionResultMessage.from((String) null, "f", "ok");
    List<ChatMessage> history = List.of(UserMessage.from("go"), ai, result);
    List<Message> core = LangChain4jToolGuard.toCore(history);
    assertThat(core.get(1).toolCalls().get(0).callId()).isEmpty();
    assertThat(core.get(1).toolCalls().get(0).argumentsJson()).isEmpty();
    List<ChatMessage> back = LangChain4jToolGuard.fromCore(core);
    assertThat(back.get(1)).isSameAs(ai);
    assertThat(back.get(2)).isSameAs(result);
  }

  @Test
  void aRepairKeepsEveryUntouchedObjectAndRebuildsOnlyWhatChanged() {
    AiMessage ai = AiMessage.builder().text("Let me check.").thinking("t")
        .toolExecutionRequests(List.of(call("call_1", "weather", "{\"city\":\"Paris\"}")))
        .attributes(Map.of("thinking_signature", "sig")).build();
    UserMessage typedMeanwhile = UserMessage.from("and Lyon?");
    ToolExecutionResultMessage result = ToolExecutionResultMessage.from(call("call_1", "weather", "{}"), "sunny");
    List<ChatMessage> broken = List.of(UserMessage.from("weather?"), ai, typedMeanwhile, result);

    List<ChatMessage> repaired = LangChain4jToolGuard.ofDefaults().repair(broken);

    assertThat(repaired).containsExactly(broken.get(0), ai, result, typedMeanwhile);
    assertThat(repaired.get(1)).isSameAs(ai);
    assertThat(repaired.get(2)).isSameAs(result);
    assertThat(repaired.get(3)).isSameAs(typedMeanwhile);
  }

  @Test
  void aRenamedCallAndItsResultKeepEverythingElse() {
    AiMessage first = AiMessage.from(call("call_1", "a", "{}"));
    AiMessage reused = AiMessage.builder().text("again").toolExecutionRequests(List.of(call("call_1", "b", "{\"x\":1}")))
        .attributes(Map.of("k", "v")).build();
    ToolExecutionResultMessage r1 = ToolExecutionResultMessage.from("call_1", "a", "one");
    ToolExecutionResultMessage r2 = ToolExecutionResultMessage.builder().id("call_1").toolName("b").text("two")
        .attributes(Map.of("cache_control", "ephemeral")).build();
    List<ChatMessage> broken = List.of(UserMessage.from("go"), first, r1, reused, r2);

    List<ChatMessage> repaired = LangChain4jToolGuard.ofDefaults().repair(broken);

    AiMessage renamed = (AiMessage) repaired.get(3);
    String newId = renamed.toolExecutionRequests().get(0).id();
    assertThat(newId).isNotEqualTo("call_1");
    assertThat(renamed.text()).isEqualTo("again");
    assertThat(renamed.attributes()).isEqualTo(Map.of("k", "v"));
    assertThat(renamed.toolExecutionRequests().get(0).arguments()).isEqualTo("{\"x\":1}");
    ToolExecutionResultMessage result = (ToolExecutionResultMessage) repaired.get(4);
    assertThat(result.id()).isEqualTo(newId);
    assertThat(result.text()).isEqualTo("two");
    assertThat(result.attributes()).containsEntry("cache_control", "ephemeral")
        .containsEntry(Metadata.ORIGINAL_CALL_ID, "call_1");
  }

  @Test
  void aSynthesizedResultSaysSoInItsAttributes() {
    AiMessage ai = AiMessage.from(call("call_9", "pay", "{}"));
    List<ChatMessage> crashed = List.of(UserMessage.from("pay"), ai, UserMessage.from("hello?"));

    List<ChatMessage> repaired = LangChain4jToolGuard.ofDefaults().repair(crashed);

    assertThat(repaired).hasSize(4);
    ToolExecutionResultMessage synthetic = (ToolExecutionResultMessage) repaired.get(2);
    assertThat(synthetic.id()).isEqualTo("call_9");
    assertThat(synthetic.toolName()).isEqualTo("pay");
    assertThat(synthetic.isError()).isTrue();
    assertThat(synthetic.attributes()).containsEntry(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_REPAIR);
    // and it is recognized as such when it comes back, e.g. from a store
    ToolResult back = LangChain4jToolGuard.toCore(List.of(ChatMessageDeserializer.messageFromJson(
        ChatMessageSerializer.messageToJson(synthetic)))).get(0).toolResults().get(0);
    assertThat(back.synthetic()).isTrue();
  }

  @Test
  void approvalsRideInAttributesAndSurviveLangChain4jJson() {
    ToolCall pay = ToolCall.of("call_2", "pay", "{\"amount\":40}");
    ApprovalRequest request = new ApprovalRequest("call_2", pay,
        Map.of(Metadata.PENDING, Metadata.PENDING_APPROVAL, Metadata.SIGNATURE, "sig-abc"));
    Message assistant = Message.assistant(Text.of("Booking."), ToolCall.of("call_1", "book", "{}"), request,
        ToolCall.of("call_3", "mail", "{}"));
    Message answers = Message.of(Role.USER, Text.of("no"), ApprovalResponse.reject(request, "too expensive"));
    Message answersOnly = Message.of(Role.USER, ApprovalResponse.approveWithArguments(request, "{\"amount\":30}"));
    List<Message> core = List.of(Message.user("book and pay"), assistant,
        Message.tool(ToolResult.of("call_1", "book", "ok"), ToolResult.of("call_3", "mail", "sent")), answers,
        answersOnly);

    List<ChatMessage> l4j = LangChain4jToolGuard.fromCore(core);
    AiMessage ai = (AiMessage) l4j.get(1);
    assertThat(ai.toolExecutionRequests()).extracting(ToolExecutionRequest::id).containsExactly("call_1", "call_3");
    assertThat(ai.attributes()).containsKey(ToolLoop.APPROVAL_REQUESTS);
    assertThat(l4j).hasSize(6);
    UserMessage only = (UserMessage) l4j.get(5);
    assertThat(only.attributes()).containsEntry(ToolLoop.ANSWERS_ONLY, true);

    List<ChatMessage> stored = ChatMessageDeserializer.messagesFromJson(ChatMessageSerializer.messagesToJson(l4j));
    List<Message> again = LangChain4jToolGuard.toCore(stored);

    assertThat(withoutSources(again.get(1).contents())).containsExactlyElementsOf(assistant.contents());
    assertThat(withoutSources(again.get(4).contents())).containsExactlyElementsOf(answers.contents());
    assertThat(withoutSources(again.get(5).contents())).containsExactlyElementsOf(answersOnly.contents());
    assertThat(((ApprovalRequest) again.get(1).contents().get(2)).metadata())
        .containsEntry(Metadata.SIGNATURE, "sig-abc");
    assertThat(HistoryGuard.ofDefaults().check(again.subList(0, 5))).isEmpty();
  }

  /** The contents without the LangChain4j objects the adapter keeps in call and result metadata. */
  static List<Content> withoutSources(List<Content> contents) {
    List<Content> out = new ArrayList<>();
    for (Content c : contents) {
      if (c instanceof ToolCall call) {
        out.add(new ToolCall(call.callId(), call.name(), call.argumentsJson(), call.informational(), Map.of()));
      } else if (c instanceof ToolResult r) {
        Map<String, Object> meta = new LinkedHashMap<>(r.metadata());
        meta.remove("langchain4j.source");
        out.add(new ToolResult(r.callId(), r.name(), r.output(), r.error(), meta));
      } else {
        out.add(c);
      }
    }
    return out;
  }

  @Test
  void theProviderViewLeavesApprovalsOut() {
    ToolCall pay = ToolCall.of("call_2", "pay", "{}");
    ApprovalRequest request = ApprovalRequest.of(pay);
    List<ChatMessage> history = LangChain4jToolGuard.fromCore(List.of(Message.user("pay"), Message.assistant(Text.of("ok"), request),
        Message.of(Role.USER, ApprovalResponse.approve(request))));

    List<ChatMessage> sent = LangChain4jToolGuard.ofDefaults().repair(history);

    assertThat(sent).hasSize(2);
    assertThat(((AiMessage) sent.get(1)).attributes()).doesNotContainKey(ToolLoop.APPROVAL_REQUESTS);
    assertThat(((AiMessage) sent.get(1)).text()).isEqualTo("ok");
  }

  @Test
  void aTamperedApprovalAttributeIsAClearError() {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("callId", "call_1");
    entry.put("name", "pay");
    AiMessage tampered = AiMessage.builder().text("x")
        .attributes(Map.of(ToolLoop.APPROVAL_REQUESTS, List.of(entry))).build();

    assertThatThrownBy(() -> LangChain4jToolGuard.toCore(List.of(tampered)))
        .isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("call_1").hasMessageContaining("arguments");
    assertThatThrownBy(() -> LangChain4jToolGuard.toCore(List.of(AiMessage.builder().text("x")
        .attributes(Map.of(ToolLoop.APPROVAL_REQUESTS, "nope")).build())))
        .isInstanceOf(InvalidMessageException.class).hasMessageContaining(ToolLoop.APPROVAL_REQUESTS);
  }

  @Test
  void nullMessagesAreRefusedByIndex() {
    List<ChatMessage> withNull = new ArrayList<>();
    withNull.add(UserMessage.from("a"));
    withNull.add(null);
    assertThatThrownBy(() -> LangChain4jToolGuard.toCore(withNull)).isInstanceOf(InvalidMessageException.class)
        .hasMessageContaining("message 1 is null");
  }

  @Test
  void repairActionsAreReportedToTheListener() {
    List<RepairResult> seen = new ArrayList<>();
    LangChain4jToolGuard guard = LangChain4jToolGuard.custom().onRepair(seen::add).build();
    guard.repair(List.of(UserMessage.from("x"), ToolExecutionResultMessage.from("mcp_7", "search", "old")));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).actions()).extracting(RepairAction::kind).containsExactly(RepairAction.Kind.DROP);
  }
}
