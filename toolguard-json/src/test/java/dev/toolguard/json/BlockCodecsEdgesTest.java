package dev.toolguard.json;

import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The Gemini and Bedrock Converse codecs at their edges (mutation testing found them untested): a body
 * read, edited part by part as a repair edits it (an id, a name, arguments, an output, an error flag, a
 * text), and written: each edit shows in the written JSON, and only it; new messages written without a
 * template; the parts each reader takes, and the error it gives for what it refuses, word for word.
 */
class BlockCodecsEdgesTest {

  /** {@code body} read, each content of the history passed through {@code edit}, written. */
  private static String edited(Dialect d, String body, UnaryOperator<Content> edit) {
    WireRequest read = WireCodec.of(d).read(body);
    List<Message> out = new ArrayList<>();
    for (Message m : read.history()) {
      List<Content> contents = new ArrayList<>();
      for (Content c : m.contents()) {
        contents.add(edit.apply(c));
      }
      out.add(m.withContents(contents));
    }
    return WireCodec.of(d).write(new WireRequest(d, out, read.envelope()));
  }

  private static void assertSameJson(String actual, String expected) {
    assertThat(Json.parse(actual)).isEqualTo(Json.parse(json(expected)));
  }

  // ---------------------------------------------------------------- Gemini

  private static final String GEMINI = json("{'contents':["
      + "{'role':'user','parts':[{'text':'Weather?'}]},"
      + "{'role':'model','parts':[{'text':'Looking.'},"
      + "{'functionCall':{'id':'a1','name':'weather','args':{'city':'Paris'}}},"
      + "{'functionCall':{'name':'time','args':{}}}]},"
      + "{'role':'user','parts':[{'functionResponse':{'id':'a1','name':'weather','response':{'result':'sunny'}}},"
      + "{'functionResponse':{'name':'time','response':{'result':'noon'}}}]}]}");

  @Test
  void geminiUneditedIsWrittenAsRead() {
    assertThat(edited(Dialect.GEMINI, GEMINI, c -> c)).isEqualTo(GEMINI);
  }

  @Test
  void geminiEachEditShowsWhereItWasMade() {
    String written = edited(Dialect.GEMINI, GEMINI, c -> {
      if (c instanceof Text t) {
        return new Text("Checking.", t.metadata());
      }
      if (c instanceof ToolCall call && call.name().equals("weather")) {
        return new ToolCall("b1", "forecast", "{\"city\":\"Rome\"}", false, call.metadata());
      }
      if (c instanceof ToolCall call) { // its id was made up by place: a new one is not written either
        return new ToolCall("other", call.name(), "{\"tz\":\"CET\"}", false, call.metadata());
      }
      ToolResult r = (ToolResult) c;
      if ("weather".equals(r.name())) {
        return new ToolResult("b1", "forecast", "{\"result\":\"rain\"}", false, r.metadata());
      }
      return new ToolResult("other", r.name(), "1 pm", true, r.metadata());
    });
    assertSameJson(written, "{'contents':[{'role':'user','parts':[{'text':'Checking.'}]},"
        + "{'role':'model','parts':[{'text':'Checking.'},"
        + "{'functionCall':{'id':'b1','name':'forecast','args':{'city':'Rome'}}},"
        + "{'functionCall':{'name':'time','args':{'tz':'CET'}}}]},"
        + "{'role':'user','parts':[{'functionResponse':{'id':'b1','name':'forecast','response':{'result':'rain'}}},"
        + "{'functionResponse':{'name':'time','response':{'error':'1 pm'}}}]}]}");
  }

  @Test
  void geminiMessagesWithoutTemplatesAreWrittenWhole() {
    List<Message> h = List.of(Message.user("Weather?"),
        Message.assistant(ToolCall.of("x1", "weather", "{}"), ToolCall.of("x2", "time", "{\"tz\":\"CET\"}")),
        Message.tool(ToolResult.of("x1", "weather", "{\"temp\":21}"), ToolResult.of("x2", "time", "noon")),
        Message.tool(new ToolResult("x3", "late", "", false, java.util.Map.of())));
    String written = WireCodec.of(Dialect.GEMINI).write(new WireRequest(Dialect.GEMINI, h, Json.object()));
    // consecutive tool messages are one function response turn; an object output is the response itself
    assertSameJson(written, "{'contents':[{'role':'user','parts':[{'text':'Weather?'}]},"
        + "{'role':'model','parts':[{'functionCall':{'name':'weather','args':{}}},"
        + "{'functionCall':{'name':'time','args':{'tz':'CET'}}}]},"
        + "{'role':'user','parts':[{'functionResponse':{'name':'weather','response':{'temp':21}}},"
        + "{'functionResponse':{'name':'time','response':{'result':'noon'}}},"
        + "{'functionResponse':{'name':'late','response':{'result':''}}}]}]}");
  }

  @Test
  void geminiReadsPartsItMayMeetAndKeepsThoughtsAndOthersAsTheyAre() {
    String body = json("{'contents':[{'parts':[{'text':'no role is the user'}]},"
        + "{'role':'model','parts':[{'text':'thinking…','thought':true},{'functionCall':{'name':'f'}},"
        + "{'functionCall':{'name':'g','args':null}}]},"
        + "{'role':'function','parts':[{'functionResponse':{'name':'f','response':null}},"
        + "{'functionResponse':{'name':'g','response':{'error':'boom'}}}]},"
        + "{'role':'model'},"
        + "{'role':'user','parts':null}]}");
    WireRequest r = WireCodec.of(Dialect.GEMINI).read(body);
    List<Message> h = r.history();
    assertThat(h).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT,
        Role.USER);
    assertThat(h.get(0).text()).isEqualTo("no role is the user");
    assertThat(h.get(1).contents().get(0)).isNotInstanceOf(Text.class); // a thought is not said to the user
    assertThat(h.get(1).toolCalls()).extracting(ToolCall::name, ToolCall::argumentsJson)
        .containsExactly(tuple("f", "{}"), tuple("g", "{}"));
    assertThat(h.get(2).toolResults()).extracting(ToolResult::name, ToolResult::output, ToolResult::error)
        .containsExactly(tuple("f", "", false), tuple("g", "{\"error\":\"boom\"}", true));
    assertThat(h.get(3).contents()).isEmpty();
    assertThat(h.get(4).contents()).isEmpty();
    assertThat(WireCodec.of(Dialect.GEMINI).write(r)).isEqualTo(body);
  }

  @Test
  void geminiRefusesWhatIsNotGeminiWithWhereAndWhy() {
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).read(json("{'messages':[]}")))
        .hasMessageContaining("the body has no contents array; it has messages: is it a chat completions or"
            + " Messages body?");
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).read(json("{'contents':null}")))
        .hasMessageContaining("the body has no contents array; a Gemini request holds its conversation in contents");
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).read(json("{'contents':[{'role':'assistant','parts':[]}]}")))
        .hasMessageContaining("role is 'assistant'; Gemini contents have role user or model (the system prompt goes"
            + " in systemInstruction)");
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).read(json("{'contents':[{'role':'tool','parts':[]}]}")))
        .hasMessageContaining("role is 'tool'; Gemini contents have role user or model")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("systemInstruction"));
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).read(json("{'contents':[{'role':'model','parts':"
        + "[{'functionCall':{'name':'f','args':[1]}}]}]}")))
        .hasMessageContaining("args is an array; functionCall args must be a JSON object");
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).read(json("{'contents':[{'role':'user','parts':"
        + "[{'functionCall':{'name':'f','args':{}}}]}]}")))
        .hasMessageContaining("a functionCall part stands in a user content");
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).read(json("{'contents':[{'role':'model','parts':"
        + "[{'functionResponse':{'name':'f','response':{}}}]}]}")))
        .hasMessageContaining("a functionResponse part stands in a model content");
  }

  @Test
  void geminiArgumentsThatAreNotAnObjectAreRefusedWhereTheyWouldGoOut() {
    List<Message> h = List.of(Message.user("q"), Message.assistant(ToolCall.of("x", "f", "[1]")));
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).write(new WireRequest(Dialect.GEMINI, h, Json.object())))
        .hasMessageContaining("the arguments of call x are JSON but not an object; Gemini functionCall args must be"
            + " a JSON object");
    List<Message> notJson = List.of(Message.user("q"), Message.assistant(ToolCall.of("x", "f", "{oops")));
    assertThatThrownBy(() -> WireCodec.of(Dialect.GEMINI).write(new WireRequest(Dialect.GEMINI, notJson,
        Json.object()))).hasMessageContaining("the arguments of call x are not JSON");
  }

  // ---------------------------------------------------------------- Bedrock Converse

  private static final String BEDROCK = json("{'messages':["
      + "{'role':'user','content':[{'text':'Weather?'}]},"
      + "{'role':'assistant','content':[{'text':'Looking.'},"
      + "{'toolUse':{'toolUseId':'tooluse_1','name':'weather','input':{'city':'Paris'}}},"
      + "{'toolUse':{'toolUseId':'tooluse_2','name':'time','input':{}}}]},"
      + "{'role':'user','content':[{'toolResult':{'toolUseId':'tooluse_1','content':[{'text':'sunny'}],"
      + "'status':'success'}},"
      + "{'toolResult':{'toolUseId':'tooluse_2','content':[{'text':'oops'}],'status':'error'}},"
      + "{'text':'And tomorrow?'}]}]}");

  @Test
  void bedrockUneditedIsWrittenAsRead() {
    assertThat(edited(Dialect.BEDROCK_CONVERSE, BEDROCK, c -> c)).isEqualTo(BEDROCK);
  }

  @Test
  void bedrockEachEditShowsWhereItWasMade() {
    String written = edited(Dialect.BEDROCK_CONVERSE, BEDROCK, c -> {
      if (c instanceof Text t && t.text().equals("Looking.")) {
        return new Text("Checking.", t.metadata());
      }
      if (c instanceof ToolCall call && call.name().equals("weather")) {
        return new ToolCall("tooluse_9", "forecast", "{\"city\":\"Rome\"}", false, call.metadata());
      }
      if (c instanceof ToolResult r && r.callId().equals("tooluse_1")) {
        return new ToolResult("tooluse_9", null, "rain", true, r.metadata());
      }
      if (c instanceof ToolResult r) { // only its error flag
        return new ToolResult(r.callId(), null, r.output(), false, r.metadata());
      }
      return c;
    });
    assertSameJson(written, "{'messages':[{'role':'user','content':[{'text':'Weather?'}]},"
        + "{'role':'assistant','content':[{'text':'Checking.'},"
        + "{'toolUse':{'toolUseId':'tooluse_9','name':'forecast','input':{'city':'Rome'}}},"
        + "{'toolUse':{'toolUseId':'tooluse_2','name':'time','input':{}}}]},"
        + "{'role':'user','content':[{'toolResult':{'toolUseId':'tooluse_9','content':[{'text':'rain'}],"
        + "'status':'error'}},"
        + "{'toolResult':{'toolUseId':'tooluse_2','content':[{'text':'oops'}],'status':'success'}},"
        + "{'text':'And tomorrow?'}]}]}");
  }

  @Test
  void bedrockMessagesWithoutTemplatesAreWrittenWholeAndAResultWithoutStatusGetsOneOnlyWhenItFailed() {
    List<Message> h = List.of(Message.user("Weather?"), Message.assistant(ToolCall.of("t1", "weather", "{}")),
        Message.tool(ToolResult.of("t1", "weather", "sunny")), Message.assistant("Sunny."),
        Message.user("Again?"), Message.assistant(ToolCall.of("t2", "weather", "{}")),
        Message.tool(new ToolResult("t2", "weather", "down", true, java.util.Map.of())));
    String written = WireCodec.of(Dialect.BEDROCK_CONVERSE).write(new WireRequest(Dialect.BEDROCK_CONVERSE, h,
        Json.object()));
    assertSameJson(written, "{'messages':[{'role':'user','content':[{'text':'Weather?'}]},"
        + "{'role':'assistant','content':[{'toolUse':{'toolUseId':'t1','name':'weather','input':{}}}]},"
        + "{'role':'user','content':[{'toolResult':{'toolUseId':'t1','content':[{'text':'sunny'}]}}]},"
        + "{'role':'assistant','content':[{'text':'Sunny.'}]},"
        + "{'role':'user','content':[{'text':'Again?'}]},"
        + "{'role':'assistant','content':[{'toolUse':{'toolUseId':'t2','name':'weather','input':{}}}]},"
        + "{'role':'user','content':[{'toolResult':{'toolUseId':'t2','content':[{'text':'down'}],"
        + "'status':'error'}}]}]}");
  }

  @Test
  void bedrockReadsTextAndJsonPartsOfAResultAndKeepsOtherBlocksAsTheyAre() {
    String body = json("{'messages':[{'role':'user','content':[{'text':'q'}]},"
        + "{'role':'assistant','content':[{'toolUse':{'toolUseId':'t1','name':'f','input':{}}},"
        + "{'reasoningContent':{'reasoningText':{'text':'hm'}}}]},"
        + "{'role':'user','content':[{'toolResult':{'toolUseId':'t1','content':[{'text':'a'},{'json':{'b':1}},"
        + "{'image':{}},{'text':'c'}]}},{'toolResult':{'toolUseId':'t1','content':'not an array'}},"
        + "{'text':'x','cachePoint':{}}]}]}");
    WireRequest r = WireCodec.of(Dialect.BEDROCK_CONVERSE).read(body);
    assertThat(r.history().get(1).contents().get(1)).isNotInstanceOf(Text.class);
    assertThat(r.history().get(2).toolResults()).extracting(ToolResult::output, ToolResult::error)
        .containsExactly(tuple("a\n{\"b\":1}\nc", false), tuple("", false));
    assertThat(r.history().get(3).contents().get(0)).isNotInstanceOf(Text.class); // text with more beside it
    assertThat(WireCodec.of(Dialect.BEDROCK_CONVERSE).write(r)).isEqualTo(body);
  }

  @Test
  void bedrockRefusesWhatIsNotConverseWithWhereAndWhy() {
    assertThatThrownBy(() -> WireCodec.of(Dialect.BEDROCK_CONVERSE).read(json("{'messages':[{'role':'system',"
        + "'content':[]}]}"))).hasMessageContaining("role is 'system'; Converse messages have role user or assistant"
            + " (the system prompt goes in the top-level system field)");
    assertThatThrownBy(() -> WireCodec.of(Dialect.BEDROCK_CONVERSE).read(json("{'messages':[{'role':'tool',"
        + "'content':[]}]}"))).hasMessageContaining("role is 'tool'; Converse messages have role user or assistant")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("system field"));
    assertThatThrownBy(() -> WireCodec.of(Dialect.BEDROCK_CONVERSE).read(json("{'messages':[{'role':'user'}]}")))
        .hasMessageContaining("content is missing; a Converse message holds an array of content blocks");
    assertThatThrownBy(() -> WireCodec.of(Dialect.BEDROCK_CONVERSE).read(json("{'messages':[{'role':'user',"
        + "'content':'hi'}]}"))).hasMessageContaining("where the content is expected; a Converse message holds an"
            + " array of content blocks");
    assertThatThrownBy(() -> WireCodec.of(Dialect.BEDROCK_CONVERSE).read(json("{'messages':[{'role':'assistant',"
        + "'content':[{'toolUse':{'toolUseId':'t','name':'f','input':[]}}]}]}")))
        .hasMessageContaining("a toolUse input must be a JSON object ({} for none)");
    assertThatThrownBy(() -> WireCodec.of(Dialect.BEDROCK_CONVERSE).read(json("{'messages':[{'role':'assistant',"
        + "'content':[{'toolResult':{'toolUseId':'t','content':[]}}]}]}")))
        .hasMessageContaining("a toolResult block stands in an assistant message");
    assertThatThrownBy(() -> WireCodec.of(Dialect.BEDROCK_CONVERSE).read(json("{'messages':[{'role':'user',"
        + "'content':[{'toolUse':{'toolUseId':'t','name':'f','input':{}}}]}]}")))
        .hasMessageContaining("a toolUse block stands in a user message");
  }

  @Test
  void bedrockArgumentsThatAreNotAnObjectAreRefusedWhereTheyWouldGoOut() {
    List<Message> h = List.of(Message.user("q"), Message.assistant(ToolCall.of("x", "f", "\"text\"")));
    assertThatThrownBy(() -> WireCodec.of(Dialect.BEDROCK_CONVERSE).write(new WireRequest(Dialect.BEDROCK_CONVERSE,
        h, Json.object()))).hasMessageContaining("the arguments of call x are JSON but not an object; a Converse"
            + " toolUse input must be a JSON object");
  }

  // ---------------------------------------------------------------- violations point into the body

  @Test
  void aViolationsPathNamesTheBlockInTheBody() {
    String bedrock = json("{'messages':[{'role':'user','content':[{'text':'q'}]},"
        + "{'role':'assistant','content':[{'text':'x'},{'toolUse':{'toolUseId':'bad id!','name':'f','input':{}}}]},"
        + "{'role':'user','content':[{'toolResult':{'toolUseId':'bad id!','content':[{'text':'r'}]}}]}]}");
    assertThat(WireGuard.ofDefaults().check(Dialect.BEDROCK_CONVERSE, bedrock)).extracting(WireViolation::code,
        WireViolation::path).containsExactly(tuple("INVALID_CALL_ID", "messages[1].content[1]"));
    String gemini = json("{'contents':[{'role':'user','parts':[{'text':'q'}]},"
        + "{'role':'model','parts':[{'text':'x'}]},"
        + "{'role':'model','parts':[{'text':'y'},{'functionCall':{'name':'f','args':{}}}]},"
        + "{'role':'user','parts':[{'functionResponse':{'name':'f','response':{}}}]}]}");
    assertThat(WireGuard.ofDefaults().check(Dialect.GEMINI, gemini)).extracting(WireViolation::code,
        WireViolation::path).containsExactly(tuple("CALL_TURN_NOT_AFTER_USER", "contents[2].parts[1]"));
  }

  // ---------------------------------------------------------------- one field at a time

  /** {@code body} with contents changed by {@code edit}, written: {@code body}'s tree changed by {@code expect}. */
  private static void oneEdit(Dialect d, String body, UnaryOperator<Content> edit,
      Consumer<ObjectNode> expect) {
    ObjectNode expected = (ObjectNode) Json.parse(body);
    expect.accept(expected);
    assertThat(Json.parse(edited(d, body, edit))).isEqualTo(expected);
  }

  private static ObjectNode at(JsonNode tree,
      String field, int message, String blocks, int block, String inner) {
    return (ObjectNode) tree.get(field).get(message).get(blocks).get(block).get(inner);
  }

  @Test
  void bedrockEachFieldOfACallOrResultChangedAloneIsWritten() {
    UnaryOperator<Content> id = c -> c instanceof ToolCall call && call.callId().equals("tooluse_1")
        ? call.withCallId("tooluse_9") : c;
    oneEdit(Dialect.BEDROCK_CONVERSE, BEDROCK, id, t -> at(t, "messages", 1, "content", 1, "toolUse")
        .put("toolUseId", "tooluse_9"));
    UnaryOperator<Content> name = c -> c instanceof ToolCall call && call.callId().equals("tooluse_1")
        ? new ToolCall(call.callId(), "forecast", call.argumentsJson(), false, call.metadata()) : c;
    oneEdit(Dialect.BEDROCK_CONVERSE, BEDROCK, name, t -> at(t, "messages", 1, "content", 1, "toolUse")
        .put("name", "forecast"));
    UnaryOperator<Content> input = c -> c instanceof ToolCall call && call.callId().equals("tooluse_1")
        ? call.withArguments("{\"city\":\"Rome\"}") : c;
    oneEdit(Dialect.BEDROCK_CONVERSE, BEDROCK, input, t -> at(t, "messages", 1, "content", 1, "toolUse")
        .set("input", Json.parse("{\"city\":\"Rome\"}")));
    UnaryOperator<Content> resultId = c -> c instanceof ToolResult r && r.callId().equals("tooluse_1")
        ? new ToolResult("tooluse_9", r.name(), r.output(), r.error(), r.metadata()) : c;
    oneEdit(Dialect.BEDROCK_CONVERSE, BEDROCK, resultId, t -> at(t, "messages", 2, "content", 0, "toolResult")
        .put("toolUseId", "tooluse_9"));
    UnaryOperator<Content> output = c -> c instanceof ToolResult r && r.callId().equals("tooluse_1")
        ? new ToolResult(r.callId(), r.name(), "rain", r.error(), r.metadata()) : c;
    oneEdit(Dialect.BEDROCK_CONVERSE, BEDROCK, output, t -> at(t, "messages", 2, "content", 0, "toolResult")
        .set("content", Json.parse("[{\"text\":\"rain\"}]")));
    UnaryOperator<Content> status = c -> c instanceof ToolResult r && r.callId().equals("tooluse_1")
        ? new ToolResult(r.callId(), r.name(), r.output(), true, r.metadata()) : c;
    oneEdit(Dialect.BEDROCK_CONVERSE, BEDROCK, status, t -> at(t, "messages", 2, "content", 0, "toolResult")
        .put("status", "error"));
  }

  @Test
  void geminiEachFieldOfACallOrResponseChangedAloneIsWritten() {
    UnaryOperator<Content> id = c -> c instanceof ToolCall call && call.callId().equals("a1")
        ? call.withCallId("b1") : c;
    oneEdit(Dialect.GEMINI, GEMINI, id, t -> at(t, "contents", 1, "parts", 1, "functionCall").put("id", "b1"));
    UnaryOperator<Content> name = c -> c instanceof ToolCall call && call.callId().equals("a1")
        ? new ToolCall(call.callId(), "forecast", call.argumentsJson(), false, call.metadata()) : c;
    oneEdit(Dialect.GEMINI, GEMINI, name, t -> at(t, "contents", 1, "parts", 1, "functionCall")
        .put("name", "forecast"));
    UnaryOperator<Content> args = c -> c instanceof ToolCall call && call.callId().equals("a1")
        ? call.withArguments("{\"city\":\"Rome\"}") : c;
    oneEdit(Dialect.GEMINI, GEMINI, args, t -> at(t, "contents", 1, "parts", 1, "functionCall")
        .set("args", Json.parse("{\"city\":\"Rome\"}")));
    UnaryOperator<Content> resultId = c -> c instanceof ToolResult r && r.callId().equals("a1")
        ? new ToolResult("b1", r.name(), r.output(), r.error(), r.metadata()) : c;
    oneEdit(Dialect.GEMINI, GEMINI, resultId, t -> at(t, "contents", 2, "parts", 0, "functionResponse")
        .put("id", "b1"));
    UnaryOperator<Content> resultName = c -> c instanceof ToolResult r && r.callId().equals("a1")
        ? new ToolResult(r.callId(), "forecast", r.output(), r.error(), r.metadata()) : c;
    oneEdit(Dialect.GEMINI, GEMINI, resultName, t -> at(t, "contents", 2, "parts", 0, "functionResponse")
        .put("name", "forecast"));
    UnaryOperator<Content> output = c -> c instanceof ToolResult r && r.callId().equals("a1")
        ? new ToolResult(r.callId(), r.name(), "{\"result\":\"rain\"}", r.error(), r.metadata()) : c;
    oneEdit(Dialect.GEMINI, GEMINI, output, t -> at(t, "contents", 2, "parts", 0, "functionResponse")
        .set("response", Json.parse("{\"result\":\"rain\"}")));
  }

  @Test
  void anEmptyBlockIsKeptAsAnOpaqueOfItsOwnKind() {
    WireRequest bedrock = WireCodec.of(Dialect.BEDROCK_CONVERSE).read(json("{'messages':[{'role':'user','content':"
        + "[{},{'cachePoint':{'type':'default'}}]}]}"));
    assertThat(bedrock.history().get(0).contents()).extracting(c -> ((dev.toolguard.core.Opaque) c).kind())
        .containsExactly("block", "cachePoint");
    WireRequest gemini = WireCodec.of(Dialect.GEMINI).read(json("{'contents':[{'role':'user','parts':"
        + "[{},{'inlineData':{'mimeType':'image/png','data':''}}]}]}"));
    assertThat(gemini.history().get(0).contents()).extracting(c -> ((dev.toolguard.core.Opaque) c).kind())
        .containsExactly("part", "inlineData");
  }
}
