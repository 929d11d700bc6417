package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.properties.PropertyBudget;
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

/**
 * The Mistral and Ollama codecs over random bodies (jqwik arbitraries: a failure shrinks and prints its
 * seed): a valid body comes back as the same JSON value and is left as it is (the very text); a body
 * with faults (a tool message lost or moved, a user message typed meanwhile, a Mistral id that is not
 * nine letters and digits, Ollama results out of order) is repaired into a valid body that keeps
 * everything said and repairs to itself.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class ChatLikeCodecsProperties {

  private static final WireGuard GUARD = WireGuard.ofDefaults();
  private static final String[] TOOLS = {"weather", "time", "search"};

  /** A call: its tool, its arguments (a number), and for Mistral whether they are written as an object. */
  record CallSpec(int tool, int argument, boolean objectArguments) {}

  /** A user turn: what the user said, the calls of the assistant (maybe none), and extras on the messages. */
  record TurnSpec(int said, List<CallSpec> calls, boolean answerText, boolean extraField) {}

  /** A fault: its kind and where it strikes. */
  record FaultSpec(int kind, int pick) {}

  /** A body: its turns, its faults. */
  record BodySpec(boolean system, List<TurnSpec> turns, List<FaultSpec> faults) {}

  @Provide
  Arbitrary<Dialect> dialects() {
    return Arbitraries.of(Dialect.MISTRAL, Dialect.OLLAMA);
  }

  @Provide
  Arbitrary<BodySpec> bodies() {
    Arbitrary<CallSpec> call = Combinators.combine(Arbitraries.integers().between(0, TOOLS.length - 1),
        Arbitraries.integers().between(-5, 1000), Arbitraries.of(true, false)).as(CallSpec::new);
    Arbitrary<TurnSpec> turn = Combinators.combine(Arbitraries.integers().between(0, 99),
        call.list().ofMaxSize(3), Arbitraries.of(true, false), Arbitraries.of(true, false)).as(TurnSpec::new);
    Arbitrary<FaultSpec> fault = Combinators.combine(Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 10_000)).as(FaultSpec::new);
    return Combinators.combine(Arbitraries.of(true, false), turn.list().ofMinSize(1).ofMaxSize(6),
        fault.list().ofMinSize(1).ofMaxSize(3)).as(BodySpec::new);
  }

  @Property(tries = 300)
  void validBodiesRoundTripAndAreLeftAsTheyAre(@ForAll("dialects") Dialect dialect, @ForAll("bodies") BodySpec spec) {
    CodecLaws.validBodyIsLeftAsItIs(dialect, Json.write(body(dialect, spec, false)));
  }

  @Property(tries = 300)
  void brokenBodiesAreRepairedValidKeepWhatWasSaidAndRepairToThemselves(@ForAll("dialects") Dialect dialect,
      @ForAll("bodies") BodySpec spec) {
    String body = Json.write(body(dialect, spec, true));
    WireRepair repair = CodecLaws.brokenBodyIsRepaired(dialect, body);
    WireCodec codec = WireCodec.of(dialect);
    List<Message> out = codec.read(repair.body()).history();
    assertThat(said(out)).as(body).isEqualTo(said(codec.read(body).history()));
    if (dialect == Dialect.MISTRAL) {
      for (Message m : out) {
        for (ToolCall c : m.toolCalls()) {
          assertThat(c.callId()).as(repair.body()).matches("[a-zA-Z0-9]{9}");
        }
      }
    } else {
      assertThat(repair.body()).doesNotContain("\"id\"").doesNotContain("tool_call_id");
    }
  }

  /** Every text of a user, system or assistant message, in order. */
  private static List<String> said(List<Message> history) {
    List<String> said = new ArrayList<>();
    for (Message m : history) {
      if (m.role() == Role.TOOL) {
        continue;
      }
      for (var c : m.contents()) {
        if (c instanceof Text t && !t.text().isEmpty()) {
          said.add(m.role() + ": " + t.text());
        }
      }
    }
    return said;
  }

  private static ObjectNode body(Dialect dialect, BodySpec spec, boolean faults) {
    boolean ollama = dialect == Dialect.OLLAMA;
    List<ObjectNode> messages = new ArrayList<>();
    if (spec.system()) {
      messages.add(message("system", "be brief"));
    }
    int ids = 0;
    for (int t = 0; t < spec.turns().size(); t++) {
      TurnSpec turn = spec.turns().get(t);
      ObjectNode user = message("user", "question " + t + "-" + turn.said());
      if (turn.extraField() && ollama) {
        user.set("images", Json.NODES.arrayNode());
      }
      messages.add(user);
      if (!turn.calls().isEmpty()) {
        ObjectNode assistant = message("assistant", "");
        if (turn.extraField() && ollama) {
          assistant.put("thinking", "let me see");
        } else if (turn.extraField()) {
          assistant.put("prefix", false);
        }
        ArrayNode calls = assistant.putArray("tool_calls");
        List<ObjectNode> results = new ArrayList<>();
        for (CallSpec c : turn.calls()) {
          String id = String.format("%09d", ++ids);
          ObjectNode call = calls.addObject();
          if (!ollama) {
            call.put("id", id).put("type", "function");
          }
          ObjectNode function = call.putObject("function").put("name", TOOLS[c.tool()]);
          ObjectNode args = Json.NODES.objectNode().put("n", c.argument());
          if (ollama || c.objectArguments()) {
            function.set("arguments", args);
          } else {
            function.put("arguments", Json.write(args));
          }
          ObjectNode result = message("tool", "result " + id);
          if (ollama) {
            result.put("tool_name", TOOLS[c.tool()]);
          } else {
            result.put("tool_call_id", id).put("name", TOOLS[c.tool()]);
          }
          results.add(result);
        }
        messages.add(assistant);
        messages.addAll(results);
      }
      if (turn.answerText() || !turn.calls().isEmpty()) {
        messages.add(message("assistant", "answer " + t));
      }
    }
    if (faults) {
      for (FaultSpec f : spec.faults()) {
        corrupt(dialect, messages, f);
      }
    }
    ObjectNode body = Json.NODES.objectNode().put("model", ollama ? "llama3.2" : "mistral-large-latest");
    ArrayNode array = body.putArray("messages");
    messages.forEach(array::add);
    if (ollama) {
      body.put("stream", false).putObject("options").put("temperature", 0.2);
    } else {
      body.put("temperature", 0.3).put("tool_choice", "auto");
    }
    return body;
  }

  private static void corrupt(Dialect dialect, List<ObjectNode> messages, FaultSpec f) {
    List<Integer> tools = new ArrayList<>();
    List<Integer> calls = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).path("role").asText().equals("tool")) {
        tools.add(i);
      }
      if (messages.get(i).has("tool_calls")) {
        calls.add(i);
      }
    }
    int pick = f.pick();
    switch (f.kind()) {
      case 0 -> { // a tool message is lost
        if (!tools.isEmpty()) {
          messages.remove((int) tools.get(pick % tools.size()));
        }
      }
      case 1 -> messages.add(pick % (messages.size() + 1), message("user", "typed meanwhile " + pick));
      case 2 -> { // a tool message moves to the end
        if (!tools.isEmpty()) {
          messages.add(messages.remove((int) tools.get(pick % tools.size())));
        }
      }
      case 3 -> { // Mistral: an id of another provider; Ollama: two results swap
        if (dialect == Dialect.MISTRAL && !calls.isEmpty()) {
          ObjectNode assistant = messages.get(calls.get(pick % calls.size()));
          ObjectNode call = (ObjectNode) assistant.get("tool_calls").get(0);
          String old = call.get("id").asText();
          call.put("id", "call_" + old);
          for (ObjectNode m : messages) {
            if (m.path("tool_call_id").asText().equals(old)) {
              m.put("tool_call_id", "call_" + old);
            }
          }
        } else if (tools.size() >= 2) {
          int k = pick % (tools.size() - 1);
          java.util.Collections.swap(messages, tools.get(k), tools.get(k + 1));
        }
      }
      default -> { // the assistant's calls are lost, their results stay
        if (!calls.isEmpty()) {
          messages.remove((int) calls.get(pick % calls.size()));
        }
      }
    }
  }

  private static ObjectNode message(String role, String content) {
    return Json.NODES.objectNode().put("role", role).put("content", content);
  }
}
