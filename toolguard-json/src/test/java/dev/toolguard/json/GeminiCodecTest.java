package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
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
 * The Gemini codec: examples (ids made up and bound by position and name, a call turn joined to the
 * model turn before it, Gemini's words), and properties over random bodies (jqwik arbitraries): a valid
 * body comes back as the same JSON value and is left as it is; a body with faults is repaired into a
 * valid body that keeps everything said and repairs to itself.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class GeminiCodecTest {

  private static final WireGuard GUARD = WireGuard.ofDefaults();
  private static final Dialect D = Dialect.GEMINI;
  private static final String[] TOOLS = {"get_weather", "get_time"};

  private static String sample() throws IOException {
    return Files.readString(Path.of("..", "samples", "broken-gemini.json"));
  }

  @Test
  void idsAreMadeUpByPlaceAndResponsesBoundByName() throws IOException {
    List<Message> h = WireCodec.of(D).read(sample()).history();
    assertThat(h.get(1).role()).isEqualTo(Role.ASSISTANT);
    assertThat(h.get(1).toolCalls()).extracting(ToolCall::callId).containsExactly("toolguard_1_1", "toolguard_1_2");
    // the response to get_time comes first: it answers the second call
    assertThat(h.get(2).toolResults()).extracting(ToolResult::callId, ToolResult::name)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("toolguard_1_2", "get_time"),
            org.assertj.core.groups.Tuple.tuple("toolguard_1_1", "get_weather"));
    assertThat(Json.parse(WireCodec.of(D).write(WireCodec.of(D).read(sample())))).isEqualTo(Json.parse(sample()));
  }

  @Test
  void aCallTurnAfterAModelTurnIsWordedAsGeminiDoesAndJoinedToIt() throws IOException {
    String body = sample();
    List<WireViolation> violations = GUARD.check(D, body);
    assertThat(violations).extracting(WireViolation::code, WireViolation::providerError).contains(
        org.assertj.core.groups.Tuple.tuple("CALL_TURN_NOT_AFTER_USER", "Please ensure that function call turn comes"
            + " immediately after a user turn or after a function response turn."),
        org.assertj.core.groups.Tuple.tuple("MISSING_RESULT", "Please ensure that the number of function response parts"
            + " is equal to the number of function call parts of the function call turn."));
    WireRepair repair = GUARD.repair(D, body);
    assertThat(GUARD.check(D, repair.body())).isEmpty();
    assertThat(GUARD.repair(D, repair.body()).changed()).isFalse();
    JsonNode contents = Json.parse(repair.body()).get("contents");
    // the model's text and its call are one turn now, answered right after
    JsonNode joined = contents.get(4);
    assertThat(joined.get("role").asText()).isEqualTo("model");
    assertThat(joined.get("parts").get(0).get("text").asText()).isEqualTo("Let me book it.");
    assertThat(joined.get("parts").get(1).get("functionCall").get("name").asText()).isEqualTo("book_train");
    assertThat(contents.get(5).get("parts").get(0).get("functionResponse").get("name").asText())
        .isEqualTo("book_train");
    assertThat(repair.body()).doesNotContain("\"id\""); // made-up ids are never written
    assertThat(Json.parse(repair.body()).get("systemInstruction")).isEqualTo(Json.parse(body).get("systemInstruction"));
  }

  @Test
  void aSystemMessageBelongsInSystemInstruction() {
    WireRequest empty = WireCodec.of(D).read("{\"contents\":[]}");
    assertThatThrownBy(() -> WireCodec.of(D).write(empty.withHistory(List.of(Message.system("s")))))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("systemInstruction");
    assertThatThrownBy(() -> WireCodec.of(D).read("{\"messages\":[]}")).isInstanceOf(WireFormatException.class)
        .hasMessageContaining("no contents array");
  }

  // ---------------------------------------------------------------- properties

  /** A turn: what the user said, the calls of the model (maybe none), a thought signature on the first. */
  record TurnSpec(int said, List<Integer> calls, boolean signature, boolean ids) {}

  /** A fault and where it strikes. */
  record FaultSpec(int kind, int pick) {}

  record BodySpec(boolean system, List<TurnSpec> turns, List<FaultSpec> faults) {}

  @Provide
  Arbitrary<BodySpec> bodies() {
    Arbitrary<TurnSpec> turn = Combinators.combine(Arbitraries.integers().between(0, 99),
        Arbitraries.integers().between(0, TOOLS.length - 1).list().ofMaxSize(3), Arbitraries.of(true, false),
        Arbitraries.of(true, false)).as(TurnSpec::new);
    Arbitrary<FaultSpec> fault = Combinators.combine(Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 10_000)).as(FaultSpec::new);
    return Combinators.combine(Arbitraries.of(true, false), turn.list().ofMinSize(1).ofMaxSize(5),
        fault.list().ofMinSize(1).ofMaxSize(3)).as(BodySpec::new);
  }

  @Property(tries = 300)
  void validBodiesRoundTripAndAreLeftAsTheyAre(@ForAll("bodies") BodySpec spec) {
    CodecLaws.validBodyIsLeftAsItIs(D, Json.write(body(spec, false)));
  }

  @Property(tries = 300)
  void brokenBodiesAreRepairedValidAndKeepWhatWasSaid(@ForAll("bodies") BodySpec spec) {
    CodecLaws.brokenBodyIsRepairedKeepingEveryText(D, Json.write(body(spec, true)));
  }

  private static ObjectNode body(BodySpec spec, boolean faults) {
    List<ObjectNode> contents = new ArrayList<>();
    int ids = 0;
    for (int t = 0; t < spec.turns().size(); t++) {
      TurnSpec turn = spec.turns().get(t);
      contents.add(content("user", text("question " + t + "-" + turn.said())));
      if (!turn.calls().isEmpty()) {
        ObjectNode model = content("model");
        ObjectNode answers = content("user");
        for (int k = 0; k < turn.calls().size(); k++) {
          String tool = TOOLS[turn.calls().get(k)];
          ObjectNode part = Json.object();
          ObjectNode call = part.putObject("functionCall").put("name", tool);
          call.putObject("args").put("n", k);
          ObjectNode response = Json.object();
          ObjectNode fr = response.putObject("functionResponse").put("name", tool);
          fr.putObject("response").put("result", "out " + t + "." + k);
          if (turn.ids()) {
            call.put("id", "id" + ids);
            fr.put("id", "id" + ids);
            ids++;
          }
          if (k == 0 && turn.signature()) {
            part.put("thoughtSignature", "c2lnbmF0dXJl");
          }
          ((ArrayNode) model.get("parts")).add(part);
          ((ArrayNode) answers.get("parts")).add(response);
        }
        contents.add(model);
        contents.add(answers);
      }
      contents.add(content("model", text("answer " + t)));
    }
    if (faults) {
      for (FaultSpec f : spec.faults()) {
        corrupt(contents, f);
      }
    }
    ObjectNode body = Json.object();
    if (spec.system()) {
      ((ArrayNode) body.putObject("systemInstruction").putArray("parts")).add(text("be brief"));
    }
    ArrayNode array = body.putArray("contents");
    contents.forEach(array::add);
    body.putObject("generationConfig").put("temperature", 0.2);
    return body;
  }

  private static void corrupt(List<ObjectNode> contents, FaultSpec f) {
    List<Integer> responses = new ArrayList<>();
    List<Integer> calls = new ArrayList<>();
    for (int i = 0; i < contents.size(); i++) {
      String s = contents.get(i).toString();
      if (s.contains("functionResponse")) {
        responses.add(i);
      } else if (s.contains("functionCall")) {
        calls.add(i);
      }
    }
    int pick = f.pick();
    switch (f.kind()) {
      case 0 -> { // the responses are lost
        if (!responses.isEmpty()) {
          contents.remove((int) responses.get(pick % responses.size()));
        }
      }
      case 1 -> contents.add(pick % (contents.size() + 1), content("user", text("typed meanwhile " + pick)));
      case 2 -> { // the model said something in a turn of its own before its calls
        if (!calls.isEmpty()) {
          contents.add(calls.get(pick % calls.size()), content("model", text("thinking aloud " + pick)));
        }
      }
      default -> { // the history was cut at its front
        contents.subList(0, Math.min(contents.size(), 1 + pick % 3)).clear();
      }
    }
  }

  private static ObjectNode content(String role, ObjectNode... parts) {
    ObjectNode c = Json.object().put("role", role);
    ArrayNode array = c.putArray("parts");
    for (ObjectNode p : parts) {
      array.add(p);
    }
    return c;
  }

  private static ObjectNode text(String text) {
    return Json.object().put("text", text);
  }
}
