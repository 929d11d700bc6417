package dev.toolguard.json;

import static dev.toolguard.json.Bodies.assertRoundTrip;
import static dev.toolguard.json.Bodies.assertSameJson;
import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
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

class OpenAiResponsesCodecTest {

  private static final WireCodec CODEC = WireCodec.openAiResponses();

  static final String RICH = json("""
      {'model':'o4-mini','instructions':'Be brief.','store':false,'include':['reasoning.encrypted_content'],
       'input':[
        {'role':'developer','content':'Use tools.'},
        {'type':'message','role':'user','content':[{'type':'input_text','text':'Paris?'},{'type':'input_image','image_url':'data:x','detail':'auto'}]},
        {'type':'reasoning','id':'rs_1','summary':[],'encrypted_content':'enc=='},
        {'type':'function_call','id':'fc_1','call_id':'call_1','name':'get_weather','arguments':'{\\'city\\':\\'Paris\\'}','status':'completed'},
        {'type':'custom_tool_call','call_id':'call_2','name':'grep','input':'free text'},
        {'type':'mcp_call','id':'mcp_1','server_label':'s','name':'x','arguments':'{}','output':'ok'},
        {'type':'function_call_output','call_id':'call_1','output':'18 C'},
        {'type':'custom_tool_call_output','call_id':'call_2','output':[{'type':'input_text','text':'a'},{'type':'input_image','image_url':'y'}]},
        {'type':'computer_call_output','call_id':'cc_1','output':{'type':'computer_screenshot','image_url':'z'}},
        {'type':'message','id':'msg_1','role':'assistant','status':'completed','content':[
          {'type':'output_text','text':'It is 18 C.','annotations':[]},{'type':'refusal','refusal':'no'},{'type':'output_text','text':'Bye.','annotations':[]}]},
        {'role':'assistant','content':'plain'},
        {'type':'mcp_approval_request','id':'mcpr_1','server_label':'s','name':'y','arguments':'{}'},
        {'type':'mcp_approval_response','approval_request_id':'mcpr_1','approve':true},
        {'type':'item_reference','id':'msg_0'},
        {'type':'some_future_item','payload':{'x':[1,2.0]}},
        {'type':'message','role':'user','content':[]}
       ],'tools':[{'type':'function','name':'get_weather','parameters':{}}],'temperature':1.0}
      """);

  @Test
  void aBodyRoundTripsToTheSameJsonValueAndFieldOrder() {
    assertRoundTrip(Dialect.OPENAI_RESPONSES, RICH);
    assertRoundTrip(Dialect.OPENAI_RESPONSES, json("{'model':'m','input':'Hello there'}"));
    assertRoundTrip(Dialect.OPENAI_RESPONSES, json("{'model':'m','input':[]}"));
    assertRoundTrip(Dialect.OPENAI_RESPONSES, json("{'model':'m','previous_response_id':'resp_1'}"));
    assertRoundTrip(Dialect.OPENAI_RESPONSES, json("{'previous_response_id':'resp_1','input':["
        + "{'type':'function_call_output','call_id':'call_9','output':'x'}]}"));
  }

  @Test
  void groupsTheModelsItemsIntoOneAssistantMessage() {
    List<Message> h = CODEC.read(RICH).history();
    assertThat(h).extracting(Message::role).containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.TOOL,
        Role.TOOL, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.USER);
    List<Content> turn = h.get(2).contents();
    assertThat(turn).hasSize(4);
    assertThat(((Opaque) turn.get(0)).kind()).isEqualTo("reasoning");
    assertThat(((ToolCall) turn.get(1)).callId()).isEqualTo("call_1");
    assertThat(((ToolCall) turn.get(2)).argumentsJson()).isEqualTo("free text");
    assertThat(((Opaque) turn.get(3)).kind()).isEqualTo("mcp_call");
    assertThat(h.get(4).toolResults().get(0).output()).isEqualTo("a");
    assertThat(((Opaque) h.get(5).contents().get(0)).kind()).isEqualTo("computer_call_output");
    List<Content> answer = h.get(6).contents();
    assertThat(answer).hasSize(5);
    assertThat(((Text) answer.get(0)).text()).isEqualTo("It is 18 C.");
    assertThat(answer.get(1).metadata()).containsEntry(WireMetadata.PART, true);
    assertThat(((Text) answer.get(3)).text()).isEqualTo("plain");
    assertThat(((Opaque) answer.get(4)).kind()).isEqualTo("mcp_approval_request");
    assertThat(((Opaque) h.get(7).contents().get(0)).kind()).isEqualTo("mcp_approval_response");
  }

  @Test
  void outputsOfStoredCallsGetAVirtualCallThatIsNeverWritten() {
    String body = json("{'previous_response_id':'resp_1','input':["
        + "{'type':'function_call_output','call_id':'call_9','output':'x'},{'role':'user','content':'next'}]}");
    List<Message> h = CODEC.read(body).history();
    assertThat(h).extracting(Message::role).containsExactly(Role.ASSISTANT, Role.TOOL, Role.USER);
    assertThat(h.get(0).toolCalls().get(0).metadata()).containsEntry(WireMetadata.VIRTUAL, true);
    Bodies.assertValid(Dialect.OPENAI_RESPONSES, body);
  }

  @Test
  void theVirtualCallsOfARunOfStoredOutputsShareTheAssistantMessageBeforeTheRun() {
    // two outputs of stored calls after a user message: one virtual assistant message with both calls
    List<Message> h = CODEC.read(json("{'previous_response_id':'resp_1','input':[{'role':'user','content':'go'},"
        + "{'type':'function_call_output','call_id':'call_8','output':'x'},"
        + "{'type':'function_call_output','call_id':'call_9','output':'y'},{'role':'user','content':'next'}]}"))
        .history();
    assertThat(h).extracting(Message::role)
        .containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.TOOL, Role.USER);
    assertThat(h.get(1).toolCalls()).extracting(ToolCall::callId).containsExactly("call_8", "call_9");
    // after the model's own call: its message takes the virtual call
    List<Message> after = CODEC.read(json("{'previous_response_id':'resp_1','input':[{'role':'user','content':'go'},"
        + "{'type':'function_call','call_id':'call_1','name':'f','arguments':'{}'},"
        + "{'type':'function_call_output','call_id':'call_1','output':'x'},"
        + "{'type':'function_call_output','call_id':'call_9','output':'y'}]}")).history();
    assertThat(after).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.TOOL);
    assertThat(after.get(1).toolCalls()).extracting(ToolCall::callId).containsExactly("call_1", "call_9");
  }

  @Test
  void anEmptyOrNullPreviousResponseIdIsNoStoredConversation() {
    for (String value : List.of("''", "null")) {
      List<Message> h = CODEC.read(json("{'previous_response_id':" + value + ",'input':["
          + "{'type':'function_call_output','call_id':'call_9','output':'x'}]}")).history();
      assertThat(h).as("previous_response_id %s", value).extracting(Message::role).containsExactly(Role.TOOL);
    }
    List<Message> stored = CODEC.read(json("{'conversation':'conv_1','input':["
        + "{'type':'function_call_output','call_id':'call_9','output':'x'}]}")).history();
    assertThat(stored).extracting(Message::role).containsExactly(Role.ASSISTANT, Role.TOOL);
  }

  @Test
  void writesAHistoryBuiltByHandInTheCanonicalShape() {
    List<Message> history = List.of(
        Message.system("s"),
        Message.user("u"),
        Message.assistant(Text.of("calling"), ToolCall.of("c1", "f", "{}")),
        Message.tool(ToolResult.of("c1", "f", "r1")),
        Message.of(Role.USER, Text.of("a"), Text.of("b")));
    String body = CODEC.write(new WireRequest(Dialect.OPENAI_RESPONSES, history, Json.object().put("model", "m")));
    assertSameJson(body, json("""
        {'model':'m','input':[
          {'role':'system','content':'s'},
          {'role':'user','content':'u'},
          {'role':'assistant','content':'calling'},
          {'type':'function_call','call_id':'c1','name':'f','arguments':'{}'},
          {'type':'function_call_output','call_id':'c1','output':'r1'},
          {'role':'user','content':'a'},{'role':'user','content':'b'}]}
        """));
  }

  @Test
  void aSynthesizedResultForACustomCallIsACustomOutput() {
    String body = json("{'input':[{'type':'custom_tool_call','call_id':'c1','name':'grep','input':'x'}]}");
    WireRepair repair = WireGuard.ofDefaults().repair(Dialect.OPENAI_RESPONSES, body);
    assertThat(Bodies.tree(repair.body()).get("input").get(1).get("type").asText()).isEqualTo("custom_tool_call_output");
  }

  @Test
  void approvalsAndInformationalCallsAreNeverWritten() {
    ToolCall call = ToolCall.of("c1", "delete", "{}");
    ApprovalRequest request = ApprovalRequest.of(call);
    List<Message> history = List.of(
        Message.user("please delete"),
        Message.assistant(request),
        Message.of(Role.USER, ApprovalResponse.approve(request), Text.of("go")),
        Message.assistant(Text.of("ok"), call.asInformational()));
    String body = CODEC.write(new WireRequest(Dialect.OPENAI_RESPONSES, history, Json.object()));
    assertSameJson(body, json("""
        {'input':[{'role':'user','content':'please delete'},{'role':'user','content':'go'},
          {'role':'assistant','content':'ok'}]}
        """));
  }

  @Test
  void badBodiesFailWithWhatAndWhere() {
    assertFails("{'messages':[]}", "input", "--dialect openai-chat or anthropic");
    assertFails("{'input':5}", "input", "a number");
    assertFails("{'input':['x']}", "input[0]", "a string where an input item");
    assertFails("{'input':[{'content':'x'}]}", "input[0]", "neither a type nor a role");
    assertFails("{'input':[{'role':'tool','content':'x'}]}", "input[0].role", "role is 'tool'");
    assertFails("{'input':[{'type':'message','role':'user'}]}", "input[0].content", "content is missing");
    assertFails("{'input':[{'type':'function_call','call_id':'c','arguments':'{}'}]}", "input[0].name",
        "name is missing");
    assertFails("{'input':[{'type':'function_call','call_id':'c','name':'f'}]}", "input[0].arguments",
        "arguments is missing");
    assertFails("{'input':[{'type':'function_call','call_id':'c','name':'f','arguments':{}}]}", "input[0].arguments",
        "an object where a string is expected");
    assertFails("{'input':[{'type':'function_call_output','call_id':'c'}]}", "input[0].output", "output is missing");
    assertFails("{'input':[{'type':'function_call_output','call_id':1,'output':'x'}]}", "input[0].call_id",
        "a number");
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
