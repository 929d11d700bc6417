package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Bedrock;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class BedrockRulesTest extends RefereeTestBase {

  static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
  static final String USER = "{\"role\":\"user\",\"content\":[{\"text\":\"Weather in Paris and Rome?\"}]}";
  static final String ASSISTANT_TEXT = "{\"role\":\"assistant\",\"content\":[{\"text\":\"Which city?\"}]}";

  static String uses(String... ids) {
    StringBuilder blocks = new StringBuilder("{\"text\":\"Let me check.\"}");
    for (String id : ids) {
      blocks.append(",{\"toolUse\":{\"toolUseId\":\"").append(id)
          .append("\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}}");
    }
    return "{\"role\":\"assistant\",\"content\":[" + blocks + "]}";
  }

  static String result(String id) {
    return "{\"toolResult\":{\"toolUseId\":\"" + id + "\",\"content\":[{\"text\":\"22C\"}],\"status\":\"success\"}}";
  }

  static String user(String... blocks) {
    return "{\"role\":\"user\",\"content\":[" + String.join(",", blocks) + "]}";
  }

  static String body(String... messages) {
    return "{\"messages\":[" + String.join(",", messages) + "],\"inferenceConfig\":{\"maxTokens\":512}}";
  }

  static Http.Result converse(String body) {
    return Http.postUrl(referee.url(Endpoint.BEDROCK_CONVERSE, MODEL), body);
  }

  static void assertRejected(Http.Result r, String message) {
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).isEqualTo(message);
    assertThat(r.json().size()).isEqualTo(1);
    assertThat(r.header("x-amzn-ErrorType")).hasValueSatisfying(v -> assertThat(v).startsWith("ValidationException:"));
    assertThat(r.header("x-amzn-RequestId")).isPresent();
    assertThat(referee.lastRequest().errorMessage()).isEqualTo(message);
  }

  @Test
  void aToolRoundIsAcceptedAndAnsweredInConversesShape() {
    referee.script().enqueue(Reply.textAndToolCalls("Let me check.", Reply.call("get_weather", "{\"city\":\"Paris\"}")));
    Http.Result first = converse(body(USER));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonNode message = first.json().at("/output/message");
    assertThat(message.get("role").asText()).isEqualTo("assistant");
    assertThat(message.at("/content/0/text").asText()).isEqualTo("Let me check.");
    assertThat(message.at("/content/1/toolUse/toolUseId").asText()).isEqualTo("tooluse_1");
    assertThat(message.at("/content/1/toolUse/input/city").asText()).isEqualTo("Paris");
    assertThat(first.json().get("stopReason").asText()).isEqualTo("tool_use");
    assertThat(first.json().at("/usage/totalTokens").asInt()).isPositive();

    Http.Result second = converse(body(USER, uses("tooluse_1"), user(result("tooluse_1"))));
    assertThat(second.status()).as(second.body()).isEqualTo(200);
    assertThat(second.json().at("/output/message/content/0/text").asText()).isEqualTo("Tool result received: 22C");
    assertThat(second.json().get("stopReason").asText()).isEqualTo("end_turn");
    assertThat(referee.rejections()).isEmpty();
    assertThat(referee.lastRequest().model()).isEqualTo(MODEL);
    assertThat(referee.lastRequest().toolResultIds()).containsExactly("tooluse_1");
  }

  @Test
  void aModelIdWithAnEncodedColonOrSlashIsServed() {
    Http.Result r = Http.postUrl(referee.baseUrl() + "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse",
        body(USER));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(referee.lastRequest().model()).isEqualTo("arn:aws:bedrock:us-east-1:1:inference-profile/us.x");
  }

  @Test
  void missingResultsAreRejectedWithTheirIds() {
    assertRejected(converse(body(USER, uses("a", "b"), user(result("a")))), Bedrock.expectedToolResults(2, List.of("b")));
    assertThat(Bedrock.expectedToolResults(2, List.of("a", "b")))
        .isEqualTo("Expected toolResult blocks at messages.2.content for the following Ids: a, b");
    assertRejected(converse(body(USER, uses("a"), USER)), Bedrock.expectedToolResults(2, List.of("a")));
    assertRejected(converse(body(USER, uses("a"), user(result("x")))), Bedrock.expectedToolResults(2, List.of("a")));
  }

  @Test
  void moreResultsThanUsesAreRejected() {
    assertRejected(converse(body(USER, uses("a"), user(result("a"), result("b")))), Bedrock.tooManyResults(2));
    assertRejected(converse(body(USER, ASSISTANT_TEXT, user(result("a")))), Bedrock.tooManyResults(2));
    assertThat(Bedrock.tooManyResults(2)).isEqualTo(
        "The number of toolResult blocks at messages.2.content exceeds the number of toolUse blocks of previous turn.");
  }

  @Test
  void toolUseIdsOutsideThePatternOrLengthAreRejected() {
    assertRejected(converse(body(USER, uses("call.1"), user(result("call.1")))),
        "1 validation error detected: Value 'call.1' at 'messages.2.member.content.2.member.toolUse.toolUseId' failed"
            + " to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+");
    String long65 = "a".repeat(65);
    assertRejected(converse(body(USER, uses(long65), user(result(long65)))),
        Bedrock.badId(long65, "messages.2.member.content.2.member.toolUse.toolUseId"));
    assertRejected(converse(body(USER, uses("a"), user(result("")))),
        Bedrock.badId("", "messages.3.member.content.1.member.toolResult.toolUseId"));
    assertThat(converse(body(USER, uses("a".repeat(64)), user(result("a".repeat(64))))).status()).isEqualTo(200);
  }

  @Test
  void anErrorResultWithoutContentIsRejected() {
    String empty = "{\"toolResult\":{\"toolUseId\":\"a\",\"content\":[],\"status\":\"error\"}}";
    assertRejected(converse(body(USER, uses("a"), user(empty))), Bedrock.emptyErrorResult(2, 0));
    assertThat(Bedrock.emptyErrorResult(2, 0))
        .isEqualTo("The content field at messages.2.content.0.toolResult cannot be empty when status value is error.");
    String withText = "{\"toolResult\":{\"toolUseId\":\"a\",\"content\":[{\"text\":\"boom\"}],\"status\":\"error\"}}";
    assertThat(converse(body(USER, uses("a"), user(withText))).status()).isEqualTo(200);
  }

  @Test
  void rolesAlternateAndStartWithTheUser() {
    assertRejected(converse(body(USER, USER)), Bedrock.ALTERNATE);
    assertRejected(converse(body(ASSISTANT_TEXT, USER)), Bedrock.START_WITH_USER);
    assertRejected(converse("{}"), Bedrock.MESSAGES_REQUIRED);
    assertRejected(converse(body(USER, "{\"role\":\"tool\",\"content\":[{\"text\":\"x\"}]}")),
        "1 validation error detected: Value 'tool' at 'messages.2.member.role' failed to satisfy constraint: Member"
            + " must satisfy enum value set: [user, assistant]");
    assertRejected(converse(body("{\"content\":[{\"text\":\"x\"}]}")), Bedrock.badRole(null, 0));
  }

  @Test
  void converseStreamAnswersEventStreamFramesWithValidCrcsInOrder() {
    referee.script().enqueue(Reply.textAndToolCalls("It is sunny.", Reply.call("get_weather", "{\"city\":\"Paris\"}")));
    HttpResponse<byte[]> r = Http.postBytes(referee.baseUrl() + "/model/" + MODEL + "/converse-stream", body(USER));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.amazon.eventstream");
    List<Frame> frames = decode(r.body());
    List<String> types = new ArrayList<>();
    for (Frame f : frames) {
      types.add(f.headers().get(":event-type"));
      assertThat(f.headers()).containsEntry(":message-type", "event").containsEntry(":content-type", "application/json");
    }
    assertThat(types).containsExactly("messageStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta",
        "contentBlockStop", "contentBlockStart", "contentBlockDelta", "contentBlockDelta", "contentBlockDelta",
        "contentBlockStop", "messageStop", "metadata");
    assertThat(frames.get(0).json().get("role").asText()).isEqualTo("assistant");
    assertThat(frames.get(5).json().at("/start/toolUse/toolUseId").asText()).isEqualTo("tooluse_1");
    assertThat(frames.get(5).json().get("contentBlockIndex").asInt()).isEqualTo(1);
    StringBuilder input = new StringBuilder();
    for (int k = 6; k < 9; k++) {
      input.append(frames.get(k).json().at("/delta/toolUse/input").asText());
    }
    assertThat(Http.json(input.toString()).get("city").asText()).isEqualTo("Paris");
    assertThat(frames.get(10).json().get("stopReason").asText()).isEqualTo("tool_use");
    assertThat(frames.get(11).json().at("/usage/outputTokens").asInt()).isPositive();
    assertThat(referee.lastRequest().stream()).isTrue();
  }

  @Test
  void aStreamedRequestThatBreaksARuleGetsThe400() {
    Http.Result r = Http.postUrl(referee.baseUrl() + "/model/" + MODEL + "/converse-stream",
        body(USER, uses("a", "b"), user(result("a"))));
    assertRejected(r, Bedrock.expectedToolResults(2, List.of("b")));
  }

  record Frame(Map<String, String> headers, String payload) {
    JsonNode json() {
      return Http.json(payload);
    }
  }

  /** Decodes AWS event stream messages, checking both CRCs of each. */
  static List<Frame> decode(byte[] bytes) {
    List<Frame> frames = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    while (in.hasRemaining()) {
      int start = in.position();
      int total = in.getInt();
      int headersLength = in.getInt();
      int preludeCrc = in.getInt();
      assertThat(preludeCrc).isEqualTo((int) crc(bytes, start, 8));
      Map<String, String> headers = new LinkedHashMap<>();
      int headersEnd = in.position() + headersLength;
      while (in.position() < headersEnd) {
        byte[] name = new byte[in.get() & 0xff];
        in.get(name);
        assertThat(in.get()).isEqualTo((byte) 7);
        byte[] value = new byte[in.getShort() & 0xffff];
        in.get(value);
        headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
      }
      byte[] payload = new byte[total - 12 - headersLength - 4];
      in.get(payload);
      int messageCrc = in.getInt();
      assertThat(messageCrc).isEqualTo((int) crc(bytes, start, total - 4));
      frames.add(new Frame(headers, new String(payload, StandardCharsets.UTF_8)));
    }
    return frames;
  }

  static long crc(byte[] bytes, int offset, int length) {
    CRC32 c = new CRC32();
    c.update(bytes, offset, length);
    return c.getValue();
  }
}
