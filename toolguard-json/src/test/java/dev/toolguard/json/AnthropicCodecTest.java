package dev.toolguard.json;

import static dev.toolguard.json.Bodies.assertRoundTrip;
import static dev.toolguard.json.Bodies.assertSameJson;
import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.internal.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicCodecTest {

  private static final WireCodec CODEC = WireCodec.anthropic();

  static final String RICH = json("""
      {'model':'claude-sonnet-4-5','max_tokens':1024,
       'system':[{'type':'text','text':'You are terse.','cache_control':{'type':'ephemeral'}}],
       'messages':[
        {'role':'user','content':'Weather in Paris?'},
        {'role':'assistant','content':[
          {'type':'thinking','thinking':'Need the tool.','signature':'sig=='},
          {'type':'text','text':'Checking.'},
          {'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'city':'Paris','days':2.50,'tags':[]}},
          {'type':'tool_use','id':'toolu_2','name':'get_time','input':{}}]},
        {'role':'user','content':[
          {'type':'tool_result','tool_use_id':'toolu_1','content':[{'type':'text','text':'18 C'},{'type':'image','source':{'type':'base64','data':'AA=='}}]},
          {'type':'tool_result','tool_use_id':'toolu_2','content':'noon','is_error':false,'cache_control':{'type':'ephemeral'}},
          {'type':'text','text':'Thanks!'}]},
        {'role':'assistant','content':[{'type':'redacted_thinking','data':'xyz'},{'type':'tool_use','id':'toolu_3','name':'fail','input':{'a':null}}]},
        {'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_3','is_error':true}]},
        {'role':'assistant','content':'Done.'},
        {'role':'assistant','content':[{'type':'text','text':'More.'}]}
       ],'tools':[{'name':'get_weather','input_schema':{'type':'object'}}],'temperature':0.0}
      """);

  @Test
  void aBodyRoundTripsToTheSameJsonValueAndFieldOrder() {
    assertRoundTrip(Dialect.ANTHROPIC, RICH);
    assertRoundTrip(Dialect.ANTHROPIC, json("{'messages':[{'role':'user','content':[]}]}"));
    assertRoundTrip(Dialect.ANTHROPIC, json("{'messages':[{'role':'user','content':'a'},{'role':'user','content':'b'}]}"));
    assertRoundTrip(Dialect.ANTHROPIC, json(
        "{'messages':[{'role':'user','content':[{'type':'text','text':'first'},{'type':'tool_result','tool_use_id':'x'}]}]}"));
  }

  @Test
  void readsTheConversationIntoTheCoreModel() {
    List<Message> h = CODEC.read(RICH).history();
    assertThat(h).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.USER,
        Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
    Message assistant = h.get(1);
    assertThat(assistant.contents().get(0)).isInstanceOf(Opaque.class);
    assertThat(((Opaque) assistant.contents().get(0)).kind()).isEqualTo("thinking");
    ToolCall weather = assistant.toolCalls().get(0);
    assertThat(weather.callId()).isEqualTo("toolu_1");
    assertThat(weather.argumentsJson()).isEqualTo("{\"city\":\"Paris\",\"days\":2.50,\"tags\":[]}");
    List<ToolResult> results = h.get(2).toolResults();
    assertThat(results).extracting(ToolResult::callId, ToolResult::output, ToolResult::error)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("toolu_1", "18 C", false),
            org.assertj.core.groups.Tuple.tuple("toolu_2", "noon", false));
    assertThat(h.get(3).contents()).extracting(c -> ((Text) c).text()).containsExactly("Thanks!");
    assertThat(h.get(3).metadata()).containsEntry(WireMetadata.JOINED, true);
    assertThat(h.get(5).toolResults().get(0).error()).isTrue();
    assertThat(h.get(5).toolResults().get(0).output()).isEmpty();
    // the two last assistant messages are one turn, as the API combines them
    assertThat(h.get(6).contents()).hasSize(2);
    assertThat(h.get(6).contents().get(1).metadata()).containsKey(WireMetadata.MESSAGE);
    assertThat(CODEC.read(RICH).envelope().get("system").get(0).get("text").asText()).isEqualTo("You are terse.");
  }

  @Test
  void writesAHistoryBuiltByHandInTheCanonicalShape() {
    List<Message> history = List.of(
        Message.user("u"),
        Message.assistant(Text.of("calling"), ToolCall.of("c1", "f", "{\"a\":[1,2]}"), ToolCall.of("c2", "g", "{}")),
        Message.tool(ToolResult.of("c1", "f", "r1"), ToolResult.error("c2", "g", "boom")),
        Message.user("next"));
    String body = CODEC.write(new WireRequest(Dialect.ANTHROPIC, history, Json.object().put("model", "m")));
    assertSameJson(body, json("""
        {'model':'m','messages':[
          {'role':'user','content':'u'},
          {'role':'assistant','content':[{'type':'text','text':'calling'},
            {'type':'tool_use','id':'c1','name':'f','input':{'a':[1,2]}},{'type':'tool_use','id':'c2','name':'g','input':{}}]},
          {'role':'user','content':[{'type':'tool_result','tool_use_id':'c1','content':'r1'},
            {'type':'tool_result','tool_use_id':'c2','content':'boom','is_error':true}]},
          {'role':'user','content':'next'}]}
        """));
  }

  @Test
  void approvalsAndInformationalCallsAreNeverWritten() {
    ToolCall call = ToolCall.of("c1", "delete", "{}");
    ApprovalRequest request = ApprovalRequest.of(call);
    List<Message> history = List.of(
        Message.user("please delete"),
        Message.assistant(Text.of("May I?"), request),
        Message.of(Role.USER, ApprovalResponse.approve(request)),
        Message.assistant(call.asInformational()));
    String body = CODEC.write(new WireRequest(Dialect.ANTHROPIC, history, Json.object()));
    assertSameJson(body, json("""
        {'messages':[{'role':'user','content':'please delete'},{'role':'assistant','content':'May I?'}]}
        """));
  }

  @Test
  void whatAnthropicCannotCarryFailsOnWrite() {
    assertThatThrownBy(() -> CODEC.write(new WireRequest(Dialect.ANTHROPIC, List.of(Message.system("s")), Json.object())))
        .isInstanceOfSatisfying(WireFormatException.class, e -> {
          assertThat(e.path()).isEqualTo("history[0]");
          assertThat(e.problem()).contains("top-level system field");
        });
    List<Message> notJson = List.of(Message.assistant(ToolCall.of("c", "f", "not json")));
    assertThatThrownBy(() -> CODEC.write(new WireRequest(Dialect.ANTHROPIC, notJson, Json.object())))
        .isInstanceOfSatisfying(WireFormatException.class, e -> {
          assertThat(e.path()).isEqualTo("history[0].contents[0]");
          assertThat(e.problem()).contains("not JSON");
        });
  }

  @Test
  void badBodiesFailWithWhatAndWhere() {
    assertFails("{'input':'x'}", "messages", "openai-responses");
    assertFails("{'messages':[{'role':'system','content':'x'}]}", "messages[0].role", "top-level system field");
    assertFails("{'messages':[{'role':'tool','content':'x'}]}", "messages[0].role", "--dialect openai-chat");
    assertFails("{'messages':[{'role':'user'}]}", "messages[0].content", "content is missing");
    assertFails("{'messages':[{'role':'user','content':7}]}", "messages[0].content", "a number");
    assertFails("{'messages':[{'role':'user','content':[{'text':'x'}]}]}", "messages[0].content[0].type",
        "type is missing");
    assertFails("{'messages':[{'role':'user','content':[{'type':'text'}]}]}", "messages[0].content[0].text",
        "text is missing");
    assertFails("{'messages':[{'role':'assistant','content':[{'type':'tool_use','id':'t','input':{}}]}]}",
        "messages[0].content[0].name", "name is missing");
    assertFails("{'messages':[{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'f'}]}]}",
        "messages[0].content[0].input", "input is missing");
    assertFails("{'messages':[{'role':'assistant','content':[{'type':'tool_result','tool_use_id':'t'}]}]}",
        "messages[0].content[0]", "belong in the user message");
    assertFails("{'messages':[{'role':'user','content':[{'type':'tool_use','id':'t','name':'f','input':{}}]}]}",
        "messages[0].content[0]", "assistant messages");
    assertFails("{'messages':[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','is_error':'yes'}]}]}",
        "messages[0].content[0].is_error", "a string where true or false");
    assertFails("{'messages':[{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':3}]}]}",
        "messages[0].content[0].content", "a number");
  }

  private static void assertFails(String body, String path, String problem) {
    assertThatThrownBy(() -> CODEC.read(json(body)))
        .as(body)
        .isInstanceOfSatisfying(WireFormatException.class, e -> {
          assertThat(e.path()).isEqualTo(path);
          assertThat(e.problem()).contains(problem);
        });
  }
}
