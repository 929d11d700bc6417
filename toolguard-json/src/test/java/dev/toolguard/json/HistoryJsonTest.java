package dev.toolguard.json;

import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.internal.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryJsonTest {

  private static final ToolCall DELETE = ToolCall.of("call_1", "delete_file", "{\"path\":\"/tmp/a\"}");

  static List<Message> pendingApprovals() {
    ApprovalRequest request = new ApprovalRequest("call_1", DELETE, Map.of("toolguard.signature", "c2lnbmVk"));
    ApprovalRequest second = ApprovalRequest.of(ToolCall.of("call_2", "send", "{}"));
    ApprovalRequest third = ApprovalRequest.of(ToolCall.of("call_3", "pay", "{\"eur\":5}"));
    ApprovalRequest fourth = ApprovalRequest.of(ToolCall.of("call_4", "ask", "{}"));
    return List.of(
        Message.system("Ask before deleting."),
        Message.user("Delete /tmp/a and tell Bob."),
        new Message(Role.ASSISTANT, List.of(Text.of("I need your approval."), DELETE, request, second, third, fourth),
            Map.of("id", "msg_1")),
        Message.of(Role.USER,
            ApprovalResponse.approve(request),
            ApprovalResponse.approveWithArguments(second, "{\"to\":\"bob\"}"),
            ApprovalResponse.reject(third, "too expensive"),
            ApprovalResponse.reject(fourth, null)),
        Message.of(Role.USER, ApprovalResponse.respondWith(fourth, "42"), Text.of("and hurry")),
        Message.tool(ToolResult.of("call_1", "delete_file", "deleted"),
            new ToolResult("call_2", null, "failed", true, Map.of(Metadata.SYNTHETIC, Metadata.SYNTHETIC_BY_LOOP))),
        Message.assistant(Opaque.of("reasoning", Json.parse("{\"type\":\"reasoning\",\"id\":\"rs_1\"}")),
            DELETE.asInformational()));
  }

  @Test
  void everyContentTypeRoundTripsToAnEqualHistory() {
    List<Message> history = pendingApprovals();
    String text = HistoryJson.write(history);
    assertThat(HistoryJson.read(text)).isEqualTo(history);
    JsonNode tree = Json.parse(text);
    assertThat(tree.get("format").asText()).isEqualTo("toolguard-history");
    assertThat(tree.get("version").asInt()).isEqualTo(1);
    JsonNode responses = tree.get("messages").get(3).get("contents");
    assertThat(responses.get(0).get("decision")).isEqualTo(Json.parse("{\"type\":\"approve\"}"));
    assertThat(responses.get(1).get("decision")).isEqualTo(Json.parse(
        "{\"type\":\"approve_edited\",\"arguments\":\"{\\\"to\\\":\\\"bob\\\"}\"}"));
    assertThat(responses.get(2).get("decision")).isEqualTo(Json.parse("{\"type\":\"reject\",\"reason\":\"too expensive\"}"));
    assertThat(responses.get(3).get("decision")).isEqualTo(Json.parse("{\"type\":\"reject\"}"));
    assertThat(responses.get(0).get("call").get("informational").asBoolean()).isTrue();
  }

  @Test
  void theCodecIsThisFormat() {
    List<Message> history = pendingApprovals();
    String text = HistoryJson.codec().encode(history);
    assertThat(text).isEqualTo(HistoryJson.write(history));
    assertThat(HistoryJson.codec().decode(text)).isEqualTo(history);
    assertThatThrownBy(() -> HistoryJson.codec().decode("{\"format\":\"other\"}"))
        .isInstanceOf(dev.toolguard.core.ToolguardException.class);
  }

  @Test
  void metadataValuesComeBackAsTheTypesTheyWere() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("b", 2);
    inner.put("a", List.of("x", true));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("string", "s");
    metadata.put("bool", false);
    metadata.put("int", 7);
    metadata.put("long", 7L);
    metadata.put("short", (short) 7);
    metadata.put("byte", (byte) 7);
    metadata.put("double", 0.1);
    metadata.put("negativeZero", -0.0);
    metadata.put("nan", Double.NaN);
    metadata.put("float", 1.5f);
    metadata.put("bigint", new BigInteger("123456789012345678901234567890"));
    metadata.put("decimal", new BigDecimal("1.50"));
    metadata.put("json", Json.parse("{\"n\":1.0,\"t\":\"x\",\"a\":[null]}"));
    metadata.put("text node", Json.NODES.textNode("not a string"));
    metadata.put("list", List.of(1, "two", List.of(3L)));
    metadata.put("map", inner);
    List<Message> history = List.of(new Message(Role.USER, List.of(new Text("t", metadata)), metadata));
    List<Message> back = HistoryJson.read(HistoryJson.write(history));
    assertThat(back).isEqualTo(history);
    Map<String, Object> read = back.get(0).metadata();
    assertThat(read.get("int")).isInstanceOf(Integer.class);
    assertThat(read.get("long")).isInstanceOf(Long.class);
    assertThat(read.get("decimal")).isEqualTo(new BigDecimal("1.50"));
    assertThat(read.get("text node")).isInstanceOf(JsonNode.class);
    assertThat(read.get("map")).isInstanceOf(Map.class);
  }

  @Test
  void aHistoryReadFromAWireBodyRoundTripsAndStillWritesTheSameBody() {
    Map<String, WireCodec> own = new java.util.LinkedHashMap<>();
    own.put(OpenAiChatCodecTest.RICH, WireCodec.openAiChat());
    own.put(AnthropicCodecTest.RICH, WireCodec.anthropic());
    own.put(OpenAiResponsesCodecTest.RICH, WireCodec.openAiResponses());
    List<WireCodec> codecs = List.of(WireCodec.openAiChat(), WireCodec.anthropic(), WireCodec.openAiResponses());
    int roundTrips = 0;
    for (Map.Entry<String, WireCodec> e : own.entrySet()) {
      String body = e.getKey();
      // the body's own codec must read it; another dialect's may refuse it, and then it is skipped
      List<WireCodec> readers = new java.util.ArrayList<>();
      for (WireCodec codec : codecs) {
        try {
          codec.read(body);
          readers.add(codec);
        } catch (WireFormatException notThisDialect) {
          assertThat(codec.dialect()).as("the body's own codec refused it: %s", notThisDialect.getMessage())
              .isNotEqualTo(e.getValue().dialect());
        }
      }
      assertThat(readers).extracting(WireCodec::dialect).contains(e.getValue().dialect());
      for (WireCodec codec : readers) {
        WireRequest request = codec.read(body);
        List<Message> back = HistoryJson.read(HistoryJson.write(request.history()));
        assertThat(back).isEqualTo(request.history());
        assertThat(codec.write(request.withHistory(back))).isEqualTo(Json.write(Json.parse(body)));
        roundTrips++;
      }
    }
    assertThat(roundTrips).as("bodies read and round-tripped").isGreaterThanOrEqualTo(own.size());
  }

  @Test
  void valuesThatCannotBeWrittenAreNamed() {
    List<Message> history = List.of(new Message(Role.USER, List.of(Text.of("t")),
        Map.of("when", java.time.Instant.EPOCH)));
    assertThatThrownBy(() -> HistoryJson.write(history))
        .isInstanceOfSatisfying(WireFormatException.class, e -> {
          assertThat(e.path()).isEqualTo("messages[0].metadata.when");
          assertThat(e.problem()).contains("java.time.Instant").contains("JsonNode");
        });
    List<Message> payload = List.of(Message.assistant(Opaque.of("x", new Object())));
    assertThatThrownBy(() -> HistoryJson.write(payload)).isInstanceOf(WireFormatException.class)
        .hasMessageContaining("messages[0].contents[0].payload");
  }

  @Test
  void badDocumentsFailWithWhatAndWhere() {
    assertFails("[]", "(history)", "a history document");
    assertFails("{'version':2,'messages':[]}", "version", "version 1");
    assertFails("{'messages':[]}", "version", "version is missing");
    assertFails("{'format':'other','version':1,'messages':[]}", "format", "toolguard-history");
    assertFails("{'version':1}", "messages", "messages is missing");
    assertFails("{'version':1,'messages':[{'contents':[]}]}", "messages[0].role", "role is missing");
    assertFails("{'version':1,'messages':[{'role':'robot','contents':[]}]}", "messages[0].role", "robot");
    assertFails("{'version':1,'messages':[{'role':'user'}]}", "messages[0].contents", "contents is missing");
    assertFails("{'version':1,'messages':[{'role':'user','contents':[{'type':'sound'}]}]}",
        "messages[0].contents[0].type", "sound");
    assertFails("{'version':1,'messages':[{'role':'assistant','contents':[{'type':'tool_call','name':'f',"
        + "'arguments':'{}'}]}]}", "messages[0].contents[0].callId", "callId is missing");
    assertFails("{'version':1,'messages':[{'role':'user','contents':[{'type':'tool_call','callId':'c','name':'f',"
        + "'arguments':'{}'}]}]}", "messages[0]", "ASSISTANT message");
    assertFails("{'version':1,'messages':[{'role':'user','contents':[{'type':'approval_response','callId':'c',"
        + "'call':{'callId':'c','name':'f','arguments':'{}'},'decision':{'type':'maybe'}}]}]}",
        "messages[0].contents[0].decision.type", "maybe");
    assertFails("{'version':1,'messages':[{'role':'user','contents':[{'type':'text','text':'t','metadata':{'n':5}}]}]}",
        "messages[0].contents[0].metadata.n", "a number where a value is expected");
    assertFails("{'version':1,'messages':[{'role':'user','contents':[{'type':'text','text':'t',"
        + "'metadata':{'n':{'int':5.5}}}]}]}", "messages[0].contents[0].metadata.n.int", "an integer");
    assertFails("{'version':1,'messages':[{'role':'user','contents':[{'type':'text','text':'t',"
        + "'metadata':{'n':{'when':1}}}]}]}", "messages[0].contents[0].metadata.n", "'when' is unknown");
    assertThatThrownBy(() -> HistoryJson.read("{")).isInstanceOf(WireFormatException.class)
        .hasMessageStartingWith("not JSON");
  }

  private static void assertFails(String document, String path, String problem) {
    assertThatThrownBy(() -> HistoryJson.read(json(document)))
        .as(document)
        .isInstanceOfSatisfying(WireFormatException.class, e -> {
          assertThat(e.path()).isEqualTo(path);
          assertThat(e.problem()).contains(problem);
        });
  }
}
