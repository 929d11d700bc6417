package dev.toolguard.json;

import static dev.toolguard.json.Bodies.assertRoundTrip;
import static dev.toolguard.json.Bodies.assertSameJson;
import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiChatCodecTest {

  private static final WireCodec CODEC = WireCodec.openAiChat();

  static final String RICH = json("""
      {'model':'gpt-4.1','temperature':1.0,'top_p':1e2,'seed':12345678901234567890,'messages':[
        {'role':'developer','content':'Be brief.','name':'ops'},
        {'role':'system','content':[{'type':'text','text':'Two parts','cache':{'x':1}},{'type':'text','text':'of system'}]},
        {'role':'user','content':[{'type':'text','text':'Look:'},{'type':'image_url','image_url':{'url':'data:x','detail':'low'}}],'name':'ann'},
        {'role':'assistant','content':null,'refusal':null,'audio':{'id':'au_1'},'tool_calls':[
          {'id':'call_a','type':'function','function':{'name':'get','arguments':'{\\'q\\': 1.50}'},'extra':true},
          {'id':'call_b','type':'custom','custom':{'name':'grep','input':'free text'}}]},
        {'role':'tool','tool_call_id':'call_a','content':[{'type':'text','text':'one'},{'type':'text','text':'two'}]},
        {'role':'tool','tool_call_id':'call_b','content':'found','name':'grep'},
        {'role':'assistant','content':[{'type':'text','text':'Done','annotations':[]},{'type':'refusal','refusal':'no'}]},
        {'role':'function','name':'legacy','content':'42'},
        {'role':'user','content':''},
        {'role':'assistant','content':'ok','tool_calls':[]}
      ],'tools':[{'type':'function','function':{'name':'get','parameters':{}}}],'stream':false,'n':1}
      """);

  @Test
  void aBodyRoundTripsToTheSameJsonValueAndFieldOrder() {
    assertRoundTrip(Dialect.OPENAI_CHAT, RICH);
    assertRoundTrip(Dialect.OPENAI_CHAT, json("{'messages':[]}"));
    assertRoundTrip(Dialect.OPENAI_CHAT, json("{'messages':[{'role':'user','content':'hi'}],'model':'m'}"));
  }

  @Test
  void readsTheConversationIntoTheCoreModel() {
    WireRequest request = CODEC.read(RICH);
    List<Message> h = request.history();
    assertThat(h).extracting(Message::role).containsExactly(Role.SYSTEM, Role.SYSTEM, Role.USER, Role.ASSISTANT,
        Role.TOOL, Role.TOOL, Role.ASSISTANT, Role.USER, Role.USER, Role.ASSISTANT);
    assertThat(h.get(0).contents()).containsExactly(Text.of("Be brief."));
    assertThat(h.get(1).text()).isEqualTo("Two parts\nof system");
    assertThat(h.get(2).contents().get(1)).isInstanceOf(Opaque.class);
    assertThat(((Opaque) h.get(2).contents().get(1)).kind()).isEqualTo("image_url");
    List<ToolCall> calls = h.get(3).toolCalls();
    assertThat(calls).extracting(ToolCall::callId, ToolCall::name, ToolCall::argumentsJson)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("call_a", "get", "{\"q\": 1.50}"),
            org.assertj.core.groups.Tuple.tuple("call_b", "grep", "free text"));
    ToolResult first = h.get(4).toolResults().get(0);
    assertThat(first.callId()).isEqualTo("call_a");
    assertThat(first.output()).isEqualTo("one\ntwo");
    assertThat(first.name()).isNull();
    assertThat(h.get(5).toolResults().get(0).name()).isEqualTo("grep");
    assertThat(h.get(7).metadata()).containsEntry(WireMetadata.VERBATIM, true);
    assertThat(h.get(9).hasToolCalls()).isFalse();
    ObjectNode envelope = request.envelope();
    assertThat(envelope.get("messages").size()).isZero();
    assertThat(envelope.get("model").asText()).isEqualTo("gpt-4.1");
  }

  @Test
  void templatesHoldTheTextsAsTheRecordsDoNotCopies() {
    Message user = CODEC.read(json("{'messages':[{'role':'user','content':'a long text'}]}")).history().get(0);
    assertThat(((ObjectNode) user.metadata().get(WireMetadata.NODE)).get("content").textValue())
        .isSameAs(((Text) user.contents().get(0)).text());
    Message tool = CODEC.read(json("{'messages':[{'role':'tool','tool_call_id':'c','content':'big output'}]}"))
        .history().get(0);
    assertThat(((ObjectNode) tool.contents().get(0).metadata().get(WireMetadata.NODE)).get("content").textValue())
        .isSameAs(tool.toolResults().get(0).output());
  }

  @Test
  void writesAHistoryBuiltByHandInTheCanonicalShape() {
    List<Message> history = List.of(
        Message.system("s"),
        Message.user("u"),
        Message.assistant(Text.of("calling"), ToolCall.of("c1", "f", "{}")),
        Message.assistant(ToolCall.of("c2", "g", "{\"a\":1}")),
        Message.tool(ToolResult.of("c1", "f", "r1"), ToolResult.error("c2", "g", "boom")));
    String body = CODEC.write(new WireRequest(Dialect.OPENAI_CHAT, history, Json().put("model", "m")));
    assertSameJson(body, json("""
        {'model':'m','messages':[
          {'role':'system','content':'s'},
          {'role':'user','content':'u'},
          {'role':'assistant','content':'calling','tool_calls':[{'id':'c1','type':'function','function':{'name':'f','arguments':'{}'}}]},
          {'role':'assistant','content':null,'tool_calls':[{'id':'c2','type':'function','function':{'name':'g','arguments':'{\\'a\\':1}'}}]},
          {'role':'tool','tool_call_id':'c1','content':'r1'},
          {'role':'tool','tool_call_id':'c2','content':'boom'}]}
        """));
  }

  @Test
  void approvalsAndInformationalCallsAreNeverWritten() {
    ToolCall call = ToolCall.of("c1", "delete", "{}");
    ApprovalRequest request = ApprovalRequest.of(call);
    List<Message> history = List.of(
        Message.user("please delete"),
        Message.assistant(request),
        Message.of(Role.USER, ApprovalResponse.approve(request)),
        Message.of(Role.USER, ApprovalResponse.reject(request, "no"), Text.of("do not")),
        Message.assistant(Text.of("asked"), call.asInformational()));
    String body = CODEC.write(new WireRequest(Dialect.OPENAI_CHAT, history, Json()));
    assertSameJson(body, json("""
        {'messages':[{'role':'user','content':'please delete'},{'role':'user','content':'do not'},
          {'role':'assistant','content':'asked'}]}
        """));
  }

  @Test
  void aToolCallsArrayWhoseCallsAreGoneIsRemovedNotLeftEmpty() {
    Message read = CODEC.read(json("{'messages':[{'role':'assistant','content':'x','tool_calls':["
        + "{'id':'c','type':'function','function':{'name':'f','arguments':'{}'}}]}]}")).history().get(0);
    Message withoutCalls = read.withContents(List.of(read.contents().get(0)));
    String body = CODEC.write(new WireRequest(Dialect.OPENAI_CHAT, List.of(withoutCalls), Json()));
    assertSameJson(body, json("{'messages':[{'role':'assistant','content':'x'}]}"));
  }

  @Test
  void aMissingIdStaysMissingAndAnEmptyIdIsTheCoreValue() {
    String body = json("{'messages':[{'role':'assistant','content':null,'tool_calls':[{'type':'function',"
        + "'function':{'name':'f','arguments':'{}'}}]},{'role':'tool','content':'r'}]}");
    WireRequest request = CODEC.read(body);
    assertThat(request.history().get(0).toolCalls().get(0).callId()).isEmpty();
    assertThat(request.history().get(1).toolResults().get(0).callId()).isEmpty();
    assertRoundTrip(Dialect.OPENAI_CHAT, body);
  }

  @Test
  void badBodiesFailWithWhatAndWhere() {
    assertFails("[]", "(body)", "a JSON object");
    assertFails("{'model':'m'}", "messages", "no messages array");
    assertFails("{'input':[]}", "messages", "openai-responses");
    assertFails("{'messages':{}}", "messages", "an object where the array of messages is expected");
    assertFails("{'messages':[3]}", "messages[0]", "a number where a message");
    assertFails("{'messages':[{'content':'x'}]}", "messages[0].role", "role is missing");
    assertFails("{'messages':[{'role':'model','content':'x'}]}", "messages[0].role", "role is 'model'");
    assertFails("{'messages':[{'role':'user','content':5}]}", "messages[0].content", "a number");
    assertFails("{'messages':[{'role':'user','content':[{'text':'x'}]}]}", "messages[0].content[0].type",
        "type is missing");
    assertFails("{'messages':[{'role':'user','content':[{'type':'tool_result','tool_use_id':'x'}]}]}",
        "messages[0].content[0].type", "--dialect anthropic");
    assertFails("{'messages':[{'role':'assistant','tool_calls':{}}]}", "messages[0].tool_calls", "an object");
    assertFails("{'messages':[{'role':'assistant','tool_calls':[{'id':'c','type':'function'}]}]}",
        "messages[0].tool_calls[0].function", "function is missing");
    assertFails("{'messages':[{'role':'assistant','tool_calls':[{'id':'c','function':{'arguments':'{}'}}]}]}",
        "messages[0].tool_calls[0].function.name", "name is missing");
    assertFails("{'messages':[{'role':'assistant','tool_calls':[{'id':'c','function':{'name':'f'}}]}]}",
        "messages[0].tool_calls[0].function.arguments", "arguments is missing");
    assertFails("{'messages':[{'role':'assistant','tool_calls':[{'id':7,'function':{'name':'f','arguments':'{}'}}]}]}",
        "messages[0].tool_calls[0].id", "a number where a string is expected");
    assertFails("{'messages':[{'role':'tool','tool_call_id':true,'content':'x'}]}", "messages[0].tool_call_id",
        "a boolean");
    assertFails("{'messages':[{'role':'tool','tool_call_id':'c','content':{}}]}", "messages[0].content", "an object");
  }

  @Test
  void notJsonFailsWithLineAndColumn() {
    assertThatThrownBy(() -> CODEC.read("{\"messages\": [\n  {\"role\": }\n]}"))
        .isInstanceOfSatisfying(WireFormatException.class, e -> {
          assertThat(e.problem()).startsWith("not JSON: ");
          assertThat(e.path()).isEqualTo("line 2, column 12");
        });
    assertThatThrownBy(() -> CODEC.read("")).isInstanceOf(WireFormatException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> CODEC.read("{\"messages\":[]} x")).isInstanceOf(WireFormatException.class);
    assertThatThrownBy(() -> CODEC.read("{\"messages\":[],\"messages\":[]}"))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("Duplicate field");
  }

  @Test
  void writingARequestOfAnotherDialectFails() {
    WireRequest request = new WireRequest(Dialect.ANTHROPIC, List.of(), Json());
    assertThatThrownBy(() -> CODEC.write(request)).isInstanceOf(WireFormatException.class)
        .hasMessageContaining("WireCodec.of(request.dialect())");
  }

  private static void assertFails(String body, String path, String problem) {
    assertThatThrownBy(() -> CODEC.read(json(body)))
        .as(body)
        .isInstanceOfSatisfying(WireFormatException.class, e -> {
          assertThat(e.path()).isEqualTo(path);
          assertThat(e.problem()).contains(problem);
        });
  }

  private static ObjectNode Json() {
    return dev.toolguard.json.internal.Json.object();
  }
}
