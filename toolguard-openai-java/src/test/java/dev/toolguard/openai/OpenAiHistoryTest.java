package dev.toolguard.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.responses.ResponseInputItem;
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
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.WireFormatException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversions between openai-java types and the core history, and the history's JSON. */
class OpenAiHistoryTest {

  private static final String CHAT = "["
      + "{'role':'developer','content':'be brief'},"
      + "{'role':'user','name':'ann','content':[{'type':'text','text':'look'},{'type':'image_url','image_url':{'url':'https://x/a.png'}}]},"
      + "{'role':'assistant','content':'checking','tool_calls':["
      + "{'id':'call_a','type':'function','function':{'name':'weather','arguments':'{\\'city\\':\\'Paris\\'}'}},"
      + "{'id':'call_c','type':'custom','custom':{'name':'sql','input':'select 1'}}]},"
      + "{'role':'tool','tool_call_id':'call_a','content':'sunny'},"
      + "{'role':'tool','tool_call_id':'call_c','content':[{'type':'text','text':'1'}]},"
      + "{'role':'assistant','refusal':'no'},"
      + "{'role':'function','name':'legacy','content':'x'}]";

  private static final String ITEMS = "["
      + "{'type':'message','role':'system','content':'be brief'},"
      + "{'type':'message','role':'user','content':[{'type':'input_text','text':'look'},{'type':'input_image','image_url':'https://x/a.png','detail':'auto'}]},"
      + "{'type':'reasoning','id':'rs_1','summary':[{'type':'summary_text','text':'think'}],'encrypted_content':'enc'},"
      + "{'type':'message','id':'msg_1','role':'assistant','status':'completed','content':[{'type':'output_text','text':'checking','annotations':[]}]},"
      + "{'type':'function_call','id':'fc_1','call_id':'call_a','name':'weather','arguments':'{}','status':'completed'},"
      + "{'type':'web_search_call','id':'ws_1','status':'completed','action':{'type':'search','query':'q'}},"
      + "{'type':'function_call_output','call_id':'call_a','output':'sunny'},"
      + "{'type':'item_reference','id':'msg_0'},"
      + "{'type':'custom_tool_call','call_id':'call_c','name':'sql','input':'select 1'},"
      + "{'type':'custom_tool_call_output','call_id':'call_c','output':'1'}]";

  @Test
  void chatMessagesBecomeTheCoreHistoryAndComeBackAsTheSameObjects() {
    List<ChatCompletionMessageParam> params = Wire.chat(CHAT);
    List<Message> history = OpenAiHistory.fromChat(params);
    assertThat(history).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL,
        Role.TOOL, Role.ASSISTANT, Role.USER);
    assertThat(history.get(2).toolCalls()).extracting(ToolCall::callId, ToolCall::name, ToolCall::argumentsJson)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("call_a", "weather", "{\"city\":\"Paris\"}"),
            org.assertj.core.groups.Tuple.tuple("call_c", "sql", "select 1"));
    assertThat(history.get(2).text()).isEqualTo("checking");
    assertThat(history.get(4).toolResults().get(0).output()).isEqualTo("1");
    List<ChatCompletionMessageParam> back = OpenAiHistory.toChat(history);
    assertThat(back).hasSameSizeAs(params);
    for (int i = 0; i < params.size(); i++) {
      assertThat(back.get(i)).isSameAs(params.get(i));
    }
  }

  @Test
  void aChangedChatMessageIsRebuiltFromItsOriginal() {
    List<Message> history = new ArrayList<>(OpenAiHistory.fromChat(Wire.chat(CHAT)));
    Message assistant = history.get(2);
    history.set(2, assistant.withContents(List.of(Text.of("checking"),
        ((ToolCall) assistant.contents().get(1)).withCallId("call_z"), assistant.contents().get(2))));
    history.add(Message.of(Role.USER, Text.of("new")));
    var json = Wire.tree(OpenAiHistory.toChat(history));
    assertThat(json.get(2).get("tool_calls").get(0).get("id").asText()).isEqualTo("call_z");
    assertThat(json.get(2).get("tool_calls").get(0).get("function").get("arguments").asText())
        .isEqualTo("{\"city\":\"Paris\"}");
    assertThat(json.get(2).get("tool_calls").get(1).get("custom").get("input").asText()).isEqualTo("select 1");
    assertThat(json.get(7)).isEqualTo(Wire.json("{'role':'user','content':'new'}"));
  }

  @Test
  void responsesItemsGroupModelItemsIntoOneAssistantMessageAndComeBackAsTheSameObjects() {
    List<ResponseInputItem> items = Wire.items(ITEMS);
    List<Message> history = OpenAiHistory.fromResponses(items);
    assertThat(history).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL,
        Role.USER, Role.ASSISTANT, Role.TOOL);
    Message turn = history.get(2);
    assertThat(turn.contents()).hasSize(4);
    assertThat(turn.contents().get(0)).isInstanceOfSatisfying(Opaque.class, o -> assertThat(o.kind()).isEqualTo("reasoning"));
    assertThat(turn.text()).isEqualTo("checking");
    assertThat(turn.toolCalls()).extracting(ToolCall::callId).containsExactly("call_a");
    assertThat(turn.contents().get(3)).isInstanceOfSatisfying(Opaque.class,
        o -> assertThat(o.kind()).isEqualTo("web_search_call"));
    assertThat(history.get(5).toolCalls()).extracting(ToolCall::name).containsExactly("sql");
    List<ResponseInputItem> back = OpenAiHistory.toResponses(history);
    assertThat(back).hasSameSizeAs(items);
    for (int i = 0; i < items.size(); i++) {
      assertThat(back.get(i)).isSameAs(items.get(i));
    }
  }

  @Test
  void theHistoryGoesThroughJsonWithApprovalsAndComesBackEqual() {
    List<Message> chat = new ArrayList<>(OpenAiHistory.fromChat(Wire.chat(CHAT)));
    ToolCall pay = new ToolCall("call_p", "pay", "{\"amount\":5}", false, Map.of("n", 1L, "d", 2.5, "b", true,
        "big", new BigDecimal("1.00000000000000000001"), "l", List.of("x", 2L), "m", Map.of("k", "v")));
    ApprovalRequest request = new ApprovalRequest("call_p", pay, Map.of(Metadata.PENDING, Metadata.PENDING_APPROVAL,
        Metadata.SIGNATURE, "sig"));
    chat.add(Message.of(Role.ASSISTANT, request));
    chat.add(Message.of(Role.USER, ApprovalResponse.approve(request), Text.of("yes")));
    chat.add(Message.of(Role.USER, ApprovalResponse.reject(request, "too much"), ApprovalResponse.reject(request, null),
        ApprovalResponse.approveWithArguments(request, "{\"amount\":4}"), ApprovalResponse.respondWith(request, "paid")));
    chat.add(Message.tool(new ToolResult("call_p", "pay", "failed", true, Map.of(Metadata.SYNTHETIC,
        Metadata.SYNTHETIC_BY_LOOP))));
    chat.addAll(OpenAiHistory.fromResponses(Wire.items(ITEMS)));

    String json = OpenAiHistory.toJson(chat);
    List<Message> read = OpenAiHistory.fromJson(json);
    for (int i = 0; i < chat.size(); i++) {
      for (int j = 0; j < chat.get(i).contents().size(); j++) {
        assertThat(read.get(i).contents().get(j)).as("message %d content %d", i, j)
            .isEqualTo(chat.get(i).contents().get(j));
      }
      assertThat(read.get(i).metadata()).as("message %d metadata", i).isEqualTo(chat.get(i).metadata());
    }
    assertThat(read).isEqualTo(chat);
    assertThat(OpenAiHistory.toJson(read)).isEqualTo(json);
  }

  @Test
  void aStoredHistoryConvertsToTheSameRequests(@TempDir Path dir) {
    List<Message> history = OpenAiHistory.fromResponses(Wire.items(ITEMS));
    Path file = dir.resolve("conversation.json");
    OpenAiHistory.write(file, history);
    List<Message> read = OpenAiHistory.read(file);
    assertThat(Wire.tree(OpenAiHistory.toResponses(read))).isEqualTo(Wire.json(ITEMS));
    assertThat(Wire.tree(OpenAiHistory.toChat(OpenAiHistory.fromJson(OpenAiHistory.toJson(
        OpenAiHistory.fromChat(Wire.chat(CHAT))))))).isEqualTo(Wire.json(CHAT));
  }

  @Test
  void theJsonIsToolguardsNativeHistoryFormat() {
    List<Message> history = OpenAiHistory.fromResponses(Wire.items(ITEMS));
    String json = OpenAiHistory.toJson(history);
    assertThat(Wire.json(json).get("format").asText()).isEqualTo("toolguard-history");
    // toolguard-json reads it (openai-java objects as JSON trees) ...
    List<Message> plain = HistoryJson.read(json);
    assertThat(plain).hasSameSizeAs(history);
    // ... and the Responses mapping takes items kept as JSON too
    assertThat(Wire.tree(OpenAiHistory.toResponses(plain))).isEqualTo(Wire.json(ITEMS));
  }

  @Test
  void badJsonIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> OpenAiHistory.fromJson("{")).isInstanceOf(ToolguardException.class);
    assertThatThrownBy(() -> OpenAiHistory.fromJson(
        "{\"format\":\"toolguard-history\",\"version\":2,\"messages\":[]}")).isInstanceOf(ToolguardException.class)
        .hasMessageContaining("version");
    assertThatThrownBy(() -> OpenAiHistory.fromJson(Wire.q(
        "{'format':'toolguard-history','version':1,'messages':[{'role':'tool','contents':[{'type':'tool_result','output':'x'}]}]}")))
        .isInstanceOf(ToolguardException.class).hasMessageContaining("messages[0].contents[0]");
    assertThatThrownBy(() -> OpenAiHistory.fromJson(Wire.q(
        "{'format':'toolguard-history','version':1,'messages':[{'role':'user','contents':[{'type':'opaque','kind':'k',"
            + "'payload':{'json':{'a':1}},'metadata':{'openai.payloadType':'no.such'}}]}]}")))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("no.such")
        .hasMessageContaining("messages[0].contents[0].payload");
    assertThatThrownBy(() -> OpenAiHistory.toJson(List.of(Message.of(Role.USER, Opaque.of("k", new Object())))))
        .isInstanceOf(ToolguardException.class).hasMessageContaining("messages[0].contents[0]");
    assertThatThrownBy(() -> OpenAiHistory.read(dir.resolve("missing.json"))).isInstanceOf(ToolguardException.class)
        .hasMessageContaining("missing.json");
  }
}
