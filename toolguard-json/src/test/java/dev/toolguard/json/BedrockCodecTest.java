package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.properties.PropertyBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;
import org.junit.jupiter.api.Test;

/**
 * The Bedrock Converse codec: examples (Converse's words, roles that do not alternate joined, an empty
 * error result given a text, an id against the rule renamed), and properties over random bodies (jqwik
 * arbitraries): a valid body comes back as the same JSON value and is left as it is; a body with faults
 * is repaired into a valid body that keeps everything said and repairs to itself.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class BedrockCodecTest {

  private static final WireGuard GUARD = WireGuard.ofDefaults();
  private static final Dialect D = Dialect.BEDROCK_CONVERSE;
  private static final String[] TOOLS = {"get_weather", "get_time"};

  private static String sample() throws IOException {
    return Files.readString(Path.of("..", "samples", "broken-bedrock-converse.json"));
  }

  @Test
  void theSampleIsCheckedAndRepairedIntoOneUserTurn() throws IOException {
    String body = sample();
    assertThat(Json.parse(WireCodec.of(D).write(WireCodec.of(D).read(body)))).isEqualTo(Json.parse(body));
    List<WireViolation> violations = GUARD.check(D, body);
    assertThat(violations).extracting(WireViolation::code).contains("INVALID_CALL_ID", "MISPLACED_RESULT",
        "EMPTY_ERROR_RESULT", "ROLES_NOT_ALTERNATING");
    assertThat(violations).filteredOn(v -> v.code().equals("INVALID_CALL_ID")).extracting(WireViolation::providerError)
        .containsExactly("1 validation error detected: Value 'call.rome:1' at"
            + " 'messages.2.member.content.3.member.toolUse.toolUseId' failed to satisfy constraint: Member must"
            + " satisfy regular expression pattern: [a-zA-Z0-9_-]+");
    assertThat(violations).filteredOn(v -> v.code().equals("ROLES_NOT_ALTERNATING"))
        .extracting(WireViolation::providerError).containsOnly("A conversation must alternate between user and"
            + " assistant roles. Make sure the conversation alternates between user and assistant roles and try again.");

    WireRepair repair = GUARD.repair(D, body);
    assertThat(GUARD.check(D, repair.body())).isEmpty();
    assertThat(GUARD.repair(D, repair.body()).changed()).isFalse();
    JsonNode messages = Json.parse(repair.body()).get("messages");
    assertThat(messages).hasSize(3);
    JsonNode turn = messages.get(2).get("content");
    assertThat(turn.get(0).get("toolResult").get("toolUseId").asText()).isEqualTo("tooluse_paris01");
    assertThat(turn.get(1).get("toolResult").get("toolUseId").asText()).isEqualTo("call_rome_1");
    assertThat(turn.get(1).get("toolResult").get("status").asText()).isEqualTo("error");
    assertThat(turn.get(1).get("toolResult").get("content").get(0).get("text").asText()).isNotBlank();
    assertThat(turn.get(2).get("text").asText()).isEqualTo("And is it warmer in Rome?");
    assertThat(messages.get(1).get("content").get(2).get("toolUse").get("toolUseId").asText()).isEqualTo("call_rome_1");
    assertThat(Json.parse(repair.body()).get("system")).isEqualTo(Json.parse(body).get("system"));
  }

  @Test
  void converseWordsForAnAlternatingBody() {
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"q\"}]},{\"role\":\"assistant\","
        + "\"content\":[{\"toolUse\":{\"toolUseId\":\"a\",\"name\":\"t\",\"input\":{}}},{\"toolUse\":{\"toolUseId\":\"b\","
        + "\"name\":\"t\",\"input\":{}}}]},{\"role\":\"user\",\"content\":[{\"toolResult\":{\"toolUseId\":\"a\","
        + "\"content\":[],\"status\":\"error\"}},{\"text\":\"and?\"}]}]}";
    assertThat(GUARD.check(D, body)).extracting(WireViolation::code, WireViolation::providerError).containsExactly(
        org.assertj.core.groups.Tuple.tuple("MISSING_RESULT",
            "Expected toolResult blocks at messages.2.content for the following Ids: b"),
        org.assertj.core.groups.Tuple.tuple("EMPTY_ERROR_RESULT",
            "The content field at messages.2.content.0.toolResult cannot be empty when status value is error."));
    String orphan = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"q\"}]},{\"role\":\"assistant\","
        + "\"content\":[{\"text\":\"no tools\"}]},{\"role\":\"user\",\"content\":[{\"toolResult\":{\"toolUseId\":\"x\","
        + "\"content\":[{\"text\":\"r\"}]}}]}]}";
    assertThat(GUARD.check(D, orphan)).extracting(WireViolation::providerError).containsExactly(
        "The number of toolResult blocks at messages.2.content exceeds the number of toolUse blocks of previous turn.");
  }

  @Test
  void aSystemMessageBelongsInTheSystemField() {
    WireRequest empty = WireCodec.of(D).read("{\"messages\":[]}");
    assertThatThrownBy(() -> WireCodec.of(D).write(empty.withHistory(List.of(Message.system("s")))))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("top-level system field");
    assertThatThrownBy(() -> WireCodec.of(D).read("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("array of content blocks");
  }

  // ---------------------------------------------------------------- properties

  record TurnSpec(int said, List<Integer> calls, boolean preface, boolean error) {}

  record FaultSpec(int kind, int pick) {}

  record BodySpec(List<TurnSpec> turns, List<FaultSpec> faults) {}

  @Provide
  Arbitrary<BodySpec> bodies() {
    Arbitrary<TurnSpec> turn = Combinators.combine(Arbitraries.integers().between(0, 99),
        Arbitraries.integers().between(0, TOOLS.length - 1).list().ofMaxSize(3), Arbitraries.of(true, false),
        Arbitraries.of(true, false)).as(TurnSpec::new);
    Arbitrary<FaultSpec> fault = Combinators.combine(Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 10_000)).as(FaultSpec::new);
    return Combinators.combine(turn.list().ofMinSize(1).ofMaxSize(5), fault.list().ofMinSize(1).ofMaxSize(3))
        .as(BodySpec::new);
  }

  @Property(tries = 300)
  void validBodiesRoundTripAndAreLeftAsTheyAre(@ForAll("bodies") BodySpec spec) {
    CodecLaws.validBodyIsLeftAsItIs(D, Json.write(body(spec, false)));
  }

  @Property(tries = 300)
  void brokenBodiesAreRepairedValidAndKeepWhatWasSaid(@ForAll("bodies") BodySpec spec) {
    String body = Json.write(body(spec, true));
    WireRepair repair = CodecLaws.brokenBodyIsRepairedKeepingEveryText(D, body);
    // every message alternates
    JsonNode messages = Json.parse(repair.body()).get("messages");
    for (int i = 1; i < messages.size(); i++) {
      assertThat(messages.get(i).get("role")).as(repair.body()).isNotEqualTo(messages.get(i - 1).get("role"));
    }
  }

  private static ObjectNode body(BodySpec spec, boolean faults) {
    List<ObjectNode> messages = new ArrayList<>();
    int ids = 0;
    for (int t = 0; t < spec.turns().size(); t++) {
      TurnSpec turn = spec.turns().get(t);
      messages.add(message("user", text("question " + t + "-" + turn.said())));
      if (!turn.calls().isEmpty()) {
        ObjectNode assistant = message("assistant");
        if (turn.preface()) {
          ((ArrayNode) assistant.get("content")).add(text("let me look"));
        }
        ObjectNode results = message("user");
        for (int k = 0; k < turn.calls().size(); k++) {
          String id = "tooluse_" + (ids++);
          ObjectNode use = Json.object();
          use.putObject("toolUse").put("toolUseId", id).put("name", TOOLS[turn.calls().get(k)]).putObject("input")
              .put("n", k);
          ((ArrayNode) assistant.get("content")).add(use);
          ObjectNode result = Json.object();
          ObjectNode r = result.putObject("toolResult").put("toolUseId", id);
          r.putArray("content").add(text("out " + id));
          r.put("status", turn.error() && k == 0 ? "error" : "success");
          ((ArrayNode) results.get("content")).add(result);
        }
        messages.add(assistant);
        messages.add(results);
      }
      messages.add(message("assistant", text("answer " + t)));
    }
    if (faults) {
      for (FaultSpec f : spec.faults()) {
        corrupt(messages, f);
      }
    }
    ObjectNode body = Json.object().put("modelId", "m");
    ((ArrayNode) body.putArray("system")).add(text("be brief"));
    ArrayNode array = body.putArray("messages");
    messages.forEach(array::add);
    body.putObject("inferenceConfig").put("maxTokens", 256);
    return body;
  }

  private static void corrupt(List<ObjectNode> messages, FaultSpec f) {
    List<Integer> results = new ArrayList<>();
    List<Integer> uses = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      String s = messages.get(i).toString();
      if (s.contains("toolResult")) {
        results.add(i);
      } else if (s.contains("toolUse")) {
        uses.add(i);
      }
    }
    int pick = f.pick();
    switch (f.kind()) {
      case 0 -> { // the results are lost
        if (!results.isEmpty()) {
          messages.remove((int) results.get(pick % results.size()));
        }
      }
      case 1 -> messages.add(pick % (messages.size() + 1), message("user", text("typed meanwhile " + pick)));
      case 2 -> { // the results come after the user's next message
        if (!results.isEmpty()) {
          int i = results.get(pick % results.size());
          ObjectNode m = messages.remove(i);
          messages.add(Math.min(messages.size(), i + 2), m);
        }
      }
      case 3 -> { // an error result lost its text
        if (!results.isEmpty()) {
          ObjectNode r = (ObjectNode) messages.get(results.get(pick % results.size())).get("content").get(0)
              .get("toolResult");
          r.put("status", "error").putArray("content");
        }
      }
      default -> messages.subList(0, Math.min(messages.size(), 1 + pick % 3)).clear(); // cut at the front
    }
  }

  private static ObjectNode message(String role, ObjectNode... blocks) {
    ObjectNode m = Json.object().put("role", role);
    ArrayNode content = m.putArray("content");
    for (ObjectNode b : blocks) {
      content.add(b);
    }
    return m;
  }

  private static ObjectNode text(String text) {
    return Json.object().put("text", text);
  }
}
