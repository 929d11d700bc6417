package dev.toolguard.json;

import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.internal.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The writers put a template into the body as it is while the record's values are still the
 * template's, and write the changed fields over it otherwise: every value changed after reading is
 * written changed, blocks and parts removed, added or moved are written so, and a template written
 * twice serves both places. Each case is checked as text and as a tree, and the request read is
 * written back unchanged afterwards.
 */
class TemplateReuseTest {

  // ---------------------------------------------------------------- Anthropic

  private static final String ANTHROPIC = json("""
      {'model':'m','max_tokens':5,'messages':[
       {'role':'user','content':'hello','x':1},
       {'role':'assistant','content':[
         {'type':'text','text':'calling','citations':null},
         {'type':'tool_use','id':'t1','name':'f','input':{'a':1},'cache_control':{'type':'ephemeral'}},
         {'type':'tool_use','id':'t2','name':'g','input':{}}]},
       {'role':'user','content':[
         {'type':'tool_result','tool_use_id':'t1','content':'one','is_error':false},
         {'type':'tool_result','tool_use_id':'t2','content':'two'},
         {'type':'text','text':'thanks'}]}]}""");

  @Test
  void anthropicValuesChangedAfterReadingAreWrittenChanged() {
    WireRequest read = WireCodec.anthropic().read(ANTHROPIC);
    List<Message> h = new ArrayList<>(read.history());
    h.set(0, replace(h.get(0), 0, new Text("hi", at(h, 0, 0).metadata())));
    Text calling = at(h, 1, 0);
    ToolCall t1 = at(h, 1, 1);
    ToolCall t2 = at(h, 1, 2);
    h.set(1, replace(replace(replace(h.get(1),
        0, new Text("calling now", calling.metadata())),
        1, new ToolCall(t1.callId(), "f2", "{\"a\":2}", false, t1.metadata())),
        2, new ToolCall("t2x", t2.name(), t2.argumentsJson(), false, t2.metadata())));
    ToolResult r1 = at(h, 2, 0);
    ToolResult r2 = at(h, 2, 1);
    h.set(2, replace(replace(h.get(2),
        0, new ToolResult(r1.callId(), null, "uno", true, r1.metadata())),
        1, new ToolResult("t2x", null, "two", false, r2.metadata())));
    h.set(3, replace(h.get(3), 0, new Text("thanks!", at(h, 3, 0).metadata())));

    assertWritten(read.withHistory(h), json("""
        {'model':'m','max_tokens':5,'messages':[
         {'role':'user','content':'hi','x':1},
         {'role':'assistant','content':[
           {'type':'text','text':'calling now','citations':null},
           {'type':'tool_use','id':'t1','name':'f2','input':{'a':2},'cache_control':{'type':'ephemeral'}},
           {'type':'tool_use','id':'t2x','name':'g','input':{}}]},
         {'role':'user','content':[
           {'type':'tool_result','tool_use_id':'t1','content':'uno','is_error':true},
           {'type':'tool_result','tool_use_id':'t2x','content':'two'},
           {'type':'text','text':'thanks!'}]}]}"""));
    assertWritten(read, ANTHROPIC);
  }

  @Test
  void anthropicBlocksRemovedAddedAndMovedAreWrittenSo() {
    WireRequest read = WireCodec.anthropic().read(ANTHROPIC);
    List<Message> h = new ArrayList<>(read.history());
    Message assistant = h.get(1);
    h.set(1, assistant.withContents(List.of(assistant.contents().get(1), assistant.contents().get(0),
        Text.of("more"))));
    h.set(2, h.get(2).withContents(List.of(h.get(2).contents().get(0))));
    h.set(3, h.get(3).withContents(List.of()));

    assertWritten(read.withHistory(h), json("""
        {'model':'m','max_tokens':5,'messages':[
         {'role':'user','content':'hello','x':1},
         {'role':'assistant','content':[
           {'type':'tool_use','id':'t1','name':'f','input':{'a':1},'cache_control':{'type':'ephemeral'}},
           {'type':'text','text':'calling','citations':null},
           {'type':'text','text':'more'}]},
         {'role':'user','content':[
           {'type':'tool_result','tool_use_id':'t1','content':'one','is_error':false}]}]}"""));
    assertWritten(read, ANTHROPIC);
  }

  @Test
  void anthropicTemplatesWrittenTwiceServeBothPlaces() {
    WireRequest read = WireCodec.anthropic().read(ANTHROPIC);
    List<Message> h = new ArrayList<>(read.history());
    Message assistant = h.get(1);
    // the first user message again, and the assistant message again with its text changed
    h.add(h.get(0));
    h.add(replace(assistant, 0, new Text("again", assistant.contents().get(0).metadata())));

    assertWritten(read.withHistory(h), json("""
        {'model':'m','max_tokens':5,'messages':[
         {'role':'user','content':'hello','x':1},
         {'role':'assistant','content':[
           {'type':'text','text':'calling','citations':null},
           {'type':'tool_use','id':'t1','name':'f','input':{'a':1},'cache_control':{'type':'ephemeral'}},
           {'type':'tool_use','id':'t2','name':'g','input':{}}]},
         {'role':'user','content':[
           {'type':'tool_result','tool_use_id':'t1','content':'one','is_error':false},
           {'type':'tool_result','tool_use_id':'t2','content':'two'},
           {'type':'text','text':'thanks'}]},
         {'role':'user','content':'hello','x':1},
         {'role':'assistant','content':[
           {'type':'text','text':'again','citations':null},
           {'type':'tool_use','id':'t1','name':'f','input':{'a':1},'cache_control':{'type':'ephemeral'}},
           {'type':'tool_use','id':'t2','name':'g','input':{}}]}]}"""));
    assertWritten(read, ANTHROPIC);
  }

  @Test
  void anthropicTemplatesHoldTheTextsTheRecordsHoldAndLargeInputsBlanked() {
    String large = "x".repeat(2000);
    WireRequest read = WireCodec.anthropic().read(json("""
        {'messages':[{'role':'user','content':'question'},{'role':'assistant','content':[
          {'type':'tool_use','id':'t1','name':'f','input':{'q':'small'}},
          {'type':'tool_use','id':'t2','name':'f','input':{'q':'LARGE'}}]}]}""").replace("LARGE", large));
    Message user = read.history().get(0);
    assertThat(template(user).get("content").textValue()).isSameAs(((Text) user.contents().get(0)).text());
    ToolCall small = read.history().get(1).toolCalls().get(0);
    ToolCall big = read.history().get(1).toolCalls().get(1);
    assertThat(template(small).get("input")).isEqualTo(Json.parse("{\"q\":\"small\"}"));
    assertThat(template(big).get("input")).isEqualTo(Json.object());
    assertThat(big.argumentsJson()).isEqualTo("{\"q\":\"" + large + "\"}");
    assertThat(WireCodec.anthropic().write(read)).contains(large);
  }

  // ---------------------------------------------------------------- OpenAI Chat

  private static final String CHAT = json("""
      {'model':'m','messages':[
       {'role':'system','content':'be brief'},
       {'role':'user','content':[{'type':'text','text':'look'},{'type':'image_url','image_url':{'url':'u'}}]},
       {'role':'assistant','content':'calling','tool_calls':[
         {'id':'c1','type':'function','function':{'name':'f','arguments':'{\\'a\\':1}'}},
         {'id':'c2','type':'custom','custom':{'name':'g','input':'free'}}],'refusal':null},
       {'role':'tool','tool_call_id':'c1','content':'one'},
       {'role':'tool','tool_call_id':'c2','content':'two','name':'g'}]}""");

  @Test
  void chatValuesChangedAfterReadingAreWrittenChanged() {
    WireRequest read = WireCodec.openAiChat().read(CHAT);
    List<Message> h = new ArrayList<>(read.history());
    h.set(0, replace(h.get(0), 0, new Text("be briefer", at(h, 0, 0).metadata())));
    h.set(1, replace(h.get(1), 0, new Text("see", at(h, 1, 0).metadata())));
    ToolCall c1 = at(h, 2, 1);
    ToolCall c2 = at(h, 2, 2);
    h.set(2, replace(replace(replace(h.get(2),
        0, new Text("calling now", at(h, 2, 0).metadata())),
        1, new ToolCall("c1x", c1.name(), "{\"a\":2}", false, c1.metadata())),
        2, new ToolCall(c2.callId(), "g2", "freer", false, c2.metadata())));
    ToolResult r1 = at(h, 3, 0);
    ToolResult r2 = at(h, 4, 0);
    h.set(3, replace(h.get(3), 0, new ToolResult("c1x", null, "uno", false, r1.metadata())));
    h.set(4, replace(h.get(4), 0, new ToolResult(r2.callId(), "g2", "two", false, r2.metadata())));

    assertWritten(read.withHistory(h), json("""
        {'model':'m','messages':[
         {'role':'system','content':'be briefer'},
         {'role':'user','content':[{'type':'text','text':'see'},{'type':'image_url','image_url':{'url':'u'}}]},
         {'role':'assistant','content':'calling now','tool_calls':[
           {'id':'c1x','type':'function','function':{'name':'f','arguments':'{\\'a\\':2}'}},
           {'id':'c2','type':'custom','custom':{'name':'g2','input':'freer'}}],'refusal':null},
         {'role':'tool','tool_call_id':'c1x','content':'uno'},
         {'role':'tool','tool_call_id':'c2','content':'two','name':'g2'}]}"""));
    assertWritten(read, CHAT);
  }

  @Test
  void chatPartsAndCallsRemovedAddedAndMovedAreWrittenSo() {
    WireRequest read = WireCodec.openAiChat().read(CHAT);
    List<Message> h = new ArrayList<>(read.history());
    Message user = h.get(1);
    Message assistant = h.get(2);
    List<Message> moved = new ArrayList<>(h);
    moved.set(1, user.withContents(List.of(user.contents().get(1), user.contents().get(0), Text.of("and this"))));
    moved.set(2, assistant.withContents(List.of(assistant.contents().get(2), assistant.contents().get(1))));
    assertWritten(read.withHistory(moved), json("""
        {'model':'m','messages':[
         {'role':'system','content':'be brief'},
         {'role':'user','content':[{'type':'image_url','image_url':{'url':'u'}},{'type':'text','text':'look'},
           {'type':'text','text':'and this'}]},
         {'role':'assistant','content':null,'tool_calls':[
           {'id':'c2','type':'custom','custom':{'name':'g','input':'free'}},
           {'id':'c1','type':'function','function':{'name':'f','arguments':'{\\'a\\':1}'}}],'refusal':null},
         {'role':'tool','tool_call_id':'c1','content':'one'},
         {'role':'tool','tool_call_id':'c2','content':'two','name':'g'}]}"""));

    List<Message> removed = new ArrayList<>(h);
    removed.set(1, user.withContents(List.of()));
    removed.set(2, assistant.withContents(List.of(assistant.contents().get(0))));
    assertWritten(read.withHistory(removed), json("""
        {'model':'m','messages':[
         {'role':'system','content':'be brief'},
         {'role':'user','content':[]},
         {'role':'assistant','content':'calling','refusal':null},
         {'role':'tool','tool_call_id':'c1','content':'one'},
         {'role':'tool','tool_call_id':'c2','content':'two','name':'g'}]}"""));
    assertWritten(read, CHAT);
  }

  @Test
  void chatTemplatesWrittenTwiceServeBothPlaces() {
    WireRequest read = WireCodec.openAiChat().read(CHAT);
    List<Message> h = new ArrayList<>(read.history());
    ToolResult r1 = at(h, 3, 0);
    h.add(h.get(3));
    h.add(replace(h.get(3), 0, new ToolResult(r1.callId(), null, "once more", false, r1.metadata())));
    h.add(h.get(1));

    assertWritten(read.withHistory(h), json("""
        {'model':'m','messages':[
         {'role':'system','content':'be brief'},
         {'role':'user','content':[{'type':'text','text':'look'},{'type':'image_url','image_url':{'url':'u'}}]},
         {'role':'assistant','content':'calling','tool_calls':[
           {'id':'c1','type':'function','function':{'name':'f','arguments':'{\\'a\\':1}'}},
           {'id':'c2','type':'custom','custom':{'name':'g','input':'free'}}],'refusal':null},
         {'role':'tool','tool_call_id':'c1','content':'one'},
         {'role':'tool','tool_call_id':'c2','content':'two','name':'g'},
         {'role':'tool','tool_call_id':'c1','content':'one'},
         {'role':'tool','tool_call_id':'c1','content':'once more'},
         {'role':'user','content':[{'type':'text','text':'look'},{'type':'image_url','image_url':{'url':'u'}}]}]}"""));
    assertWritten(read, CHAT);
  }

  @Test
  void chatTemplatesHoldTheTextsTheRecordsHold() {
    WireRequest read = WireCodec.openAiChat().read(CHAT);
    Message system = read.history().get(0);
    assertThat(template(system).get("content").textValue()).isSameAs(((Text) system.contents().get(0)).text());
    ToolCall c1 = read.history().get(2).toolCalls().get(0);
    assertThat(template(c1).get("function").get("arguments").textValue()).isSameAs(c1.argumentsJson());
    ToolResult r1 = read.history().get(3).toolResults().get(0);
    assertThat(template(r1).get("content").textValue()).isSameAs(r1.output());
  }

  // ---------------------------------------------------------------- OpenAI Responses

  private static final String RESPONSES = json("""
      {'model':'m','input':[
       {'role':'user','content':'hi'},
       {'type':'message','role':'assistant','id':'msg_1','content':[
         {'type':'output_text','text':'a','annotations':[]},
         {'type':'refusal','refusal':'no'},
         {'type':'output_text','text':'b','annotations':[]}]},
       {'type':'function_call','call_id':'c1','name':'f','arguments':'{}','id':'fc_1'},
       {'type':'function_call_output','call_id':'c1','output':'done','id':'fco_1'}]}""");

  @Test
  void responsesValuesChangedAfterReadingAreWrittenChanged() {
    WireRequest read = WireCodec.openAiResponses().read(RESPONSES);
    List<Message> h = new ArrayList<>(read.history());
    h.set(0, replace(h.get(0), 0, new Text("hello", at(h, 0, 0).metadata())));
    ToolCall c1 = at(h, 1, 3);
    h.set(1, replace(replace(h.get(1),
        2, new Text("bee", at(h, 1, 2).metadata())),
        3, new ToolCall("c1x", "f2", "{\"z\":0}", false, c1.metadata())));
    ToolResult r1 = at(h, 2, 0);
    h.set(2, replace(h.get(2), 0, new ToolResult("c1x", null, "finished", false, r1.metadata())));

    assertWritten(read.withHistory(h), json("""
        {'model':'m','input':[
         {'role':'user','content':'hello'},
         {'type':'message','role':'assistant','id':'msg_1','content':[
           {'type':'output_text','text':'a','annotations':[]},
           {'type':'refusal','refusal':'no'},
           {'type':'output_text','text':'bee','annotations':[]}]},
         {'type':'function_call','call_id':'c1x','name':'f2','arguments':'{\\'z\\':0}','id':'fc_1'},
         {'type':'function_call_output','call_id':'c1x','output':'finished','id':'fco_1'}]}"""));
    assertWritten(read, RESPONSES);
  }

  @Test
  void responsesPartsRemovedAddedAndMovedAreWrittenSo() {
    WireRequest read = WireCodec.openAiResponses().read(RESPONSES);
    List<Message> h = new ArrayList<>(read.history());
    List<Content> c = h.get(1).contents();
    // the first part (which carries the item's template) stays first; the others move, one goes
    h.set(1, h.get(1).withContents(List.of(c.get(0), c.get(2), c.get(3))));
    assertWritten(read.withHistory(h), json("""
        {'model':'m','input':[
         {'role':'user','content':'hi'},
         {'type':'message','role':'assistant','id':'msg_1','content':[
           {'type':'output_text','text':'a','annotations':[]},
           {'type':'output_text','text':'b','annotations':[]}]},
         {'type':'function_call','call_id':'c1','name':'f','arguments':'{}','id':'fc_1'},
         {'type':'function_call_output','call_id':'c1','output':'done','id':'fco_1'}]}"""));

    h.set(1, h.get(1).withContents(List.of(c.get(0), c.get(2), c.get(1), c.get(3))));
    assertWritten(read.withHistory(h), json("""
        {'model':'m','input':[
         {'role':'user','content':'hi'},
         {'type':'message','role':'assistant','id':'msg_1','content':[
           {'type':'output_text','text':'a','annotations':[]},
           {'type':'output_text','text':'b','annotations':[]},
           {'type':'refusal','refusal':'no'}]},
         {'type':'function_call','call_id':'c1','name':'f','arguments':'{}','id':'fc_1'},
         {'type':'function_call_output','call_id':'c1','output':'done','id':'fco_1'}]}"""));
    assertWritten(read, RESPONSES);
  }

  @Test
  void responsesTemplatesHoldTheTextsTheRecordsHold() {
    WireRequest read = WireCodec.openAiResponses().read(RESPONSES);
    Text b = (Text) read.history().get(1).contents().get(2);
    assertThat(template(b).get("text").textValue()).isSameAs(b.text());
    ToolResult r1 = read.history().get(2).toolResults().get(0);
    assertThat(template(r1).get("output").textValue()).isSameAs(r1.output());
  }

  // ---------------------------------------------------------------- trees

  @Test
  void treesWrittenAreTheCallersOwn() {
    String chat = CHAT.replace("{\"role\":\"system\",\"content\":\"be brief\"}",
        "{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":[]}");
    assertThat(chat).contains("[]}");
    for (String body : List.of(ANTHROPIC, chat, RESPONSES)) {
      WireCodec codec = body == ANTHROPIC ? WireCodec.anthropic()
          : body == RESPONSES ? WireCodec.openAiResponses() : WireCodec.openAiChat();
      WireRequest read = codec.read(body);
      String templates = HistoryJson.write(read.history());
      scribble(codec.writeTree(read));
      scribble(codec.writeTree(read.withHistory(read.history().subList(0, 2))));
      assertThat(HistoryJson.write(read.history())).isEqualTo(templates);
      assertThat(codec.write(read)).isEqualTo(Json.write(Json.parse(body)));
    }
  }

  /** Adds a field to every object and an element to every array of {@code node}. */
  private static void scribble(JsonNode node) {
    for (JsonNode child : node) {
      scribble(child);
    }
    if (node instanceof ObjectNode) {
      ((ObjectNode) node).put("scribbled", true);
    } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) node).add("scribbled");
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Asserts that {@code request} is written as {@code expected}, as text and as a tree. */
  private static void assertWritten(WireRequest request, String expected) {
    WireCodec codec = WireCodec.of(request.dialect());
    String canonical = Json.write(Json.parse(expected));
    assertThat(codec.write(request)).isEqualTo(canonical);
    assertThat(Json.write(codec.writeTree(request))).isEqualTo(canonical);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Content> T at(List<Message> history, int message, int content) {
    return (T) history.get(message).contents().get(content);
  }

  private static Message replace(Message m, int k, Content c) {
    List<Content> contents = new ArrayList<>(m.contents());
    contents.set(k, c);
    return m.withContents(contents);
  }

  private static ObjectNode template(Message m) {
    return (ObjectNode) m.metadata().get(WireMetadata.NODE);
  }

  private static JsonNode template(Content c) {
    return (JsonNode) c.metadata().get(WireMetadata.NODE);
  }
}
