package dev.toolguard.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Content;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.RepairAction;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.json.internal.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Properties over random bodies of each dialect with random faults: reading and writing is
 * lossless; a valid body is left as it is; a repaired body is valid for core and the dialect, keeps
 * everything said and every complete pair, and repairs to itself.
 */
class WirePropertiesTest {

  private static final WireGuard GUARD = WireGuard.ofDefaults();

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }

  @Property(tries = 200, seed = "7340211", shrinking = ShrinkingMode.OFF)
  void validBodiesRoundTripAndAreLeftAsTheyAre(@ForAll Dialect dialect, @ForAll("seeds") long seed) {
    String body = Json.write(new Conversations(dialect, seed).valid());
    assertRoundTrip(dialect, body);
    assertThat(GUARD.check(dialect, body)).as(body).isEmpty();
    WireRepair repair = GUARD.repair(dialect, body);
    assertThat(repair.changed()).as(body).isFalse();
    assertThat(repair.body()).isSameAs(body);
  }

  @Property(tries = 300, seed = "1190477", shrinking = ShrinkingMode.OFF)
  void repairedBodiesAreValidLoseNothingAndRepairToThemselves(@ForAll Dialect dialect, @ForAll("seeds") long seed) {
    Conversations conversations = new Conversations(dialect, seed);
    String body = Json.write(conversations.corrupt(conversations.valid()));
    String context = dialect.id() + " " + body;
    assertRoundTrip(dialect, body);

    WireRepair repair = GUARD.repair(dialect, body);
    assertThat(GUARD.check(dialect, repair.body())).as(context).isEmpty();
    WireRepair again = GUARD.repair(dialect, repair.body());
    assertThat(again.changed()).as(context).isFalse();
    assertThat(again.body()).as(context).isEqualTo(repair.body());
    if (!repair.changed()) {
      assertThat(GUARD.check(dialect, body)).as(context).isEmpty();
      assertThat(repair.body()).isSameAs(body);
    }

    List<Message> in = WireCodec.of(dialect).read(body).history();
    List<Message> out = WireCodec.of(dialect).read(repair.body()).history();
    assertThat(said(out)).as("everything said, in order: " + context).isEqualTo(said(in));
    long droppedReasoning = repair.actions().stream()
        .filter(a -> a.kind() == RepairAction.Kind.DROP && a.detail().startsWith("removed reasoning item"))
        .count();
    assertThat(reasoning(out)).as(context).isEqualTo(reasoning(in) - droppedReasoning);
    assertCompletePairsKept(in, repair.request().history(), context);
  }

  private static void assertRoundTrip(Dialect dialect, String body) {
    WireCodec codec = WireCodec.of(dialect);
    assertThat(codec.write(codec.read(body))).as(body).isEqualTo(Json.write(Json.parse(body)));
  }

  /** Texts and opaque items other than reasoning, with their role, in order. */
  private static List<String> said(List<Message> history) {
    List<String> said = new ArrayList<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof Text) {
          said.add(m.role() + ": " + ((Text) c).text());
        } else if (c instanceof Opaque && !((Opaque) c).kind().equals("reasoning")) {
          said.add(m.role() + ": " + ((Opaque) c).kind() + " " + ((Opaque) c).payload());
        }
      }
    }
    return said;
  }

  private static long reasoning(List<Message> history) {
    return history.stream().flatMap(m -> m.contents().stream())
        .filter(c -> c instanceof Opaque && ((Opaque) c).kind().equals("reasoning")).count();
  }

  /**
   * Every call of the input whose id is unique among the calls and that has a result somewhere still
   * stands in the output, answered right after its message by one of its results (not a made-up one).
   */
  private static void assertCompletePairsKept(List<Message> in, List<Message> out, String context) {
    Map<String, Integer> callCount = new HashMap<>();
    Map<String, Set<String>> outputs = new HashMap<>();
    for (Message m : in) {
      for (Content c : m.contents()) {
        if (c instanceof ToolCall && !((ToolCall) c).informational() && !((ToolCall) c).callId().isEmpty()) {
          callCount.merge(((ToolCall) c).callId(), 1, Integer::sum);
        } else if (c instanceof ToolResult) {
          outputs.computeIfAbsent(((ToolResult) c).callId(), k -> new HashSet<>()).add(((ToolResult) c).output());
        }
      }
    }
    for (Message m : in) {
      for (ToolCall call : m.toolCalls()) {
        String id = call.callId();
        if (id.isEmpty() || callCount.get(id) != 1 || !outputs.containsKey(id)
            || call.metadata().containsKey(WireMetadata.VIRTUAL)) {
          continue;
        }
        ToolResult answer = answerOf(out, call);
        assertThat(answer).as("the result of complete pair %s in %s", id, context).isNotNull();
        assertThat(answer.synthetic()).as("pair %s answered by a made-up result in %s", id, context).isFalse();
        assertThat(outputs.get(id)).as("pair %s in %s", id, context).contains(answer.output());
      }
    }
  }

  /** The result right after the output's copy of {@code call} (same tool, arguments and original id). */
  private static ToolResult answerOf(List<Message> out, ToolCall call) {
    for (int i = 0; i < out.size(); i++) {
      for (ToolCall c : out.get(i).toolCalls()) {
        Object original = c.metadata().getOrDefault(Metadata.ORIGINAL_CALL_ID, c.callId());
        if (!original.equals(call.callId()) || !c.name().equals(call.name())
            || !c.argumentsJson().equals(call.argumentsJson())) {
          continue;
        }
        for (int j = i + 1; j < out.size() && out.get(j).role() == Role.TOOL; j++) {
          for (ToolResult r : out.get(j).toolResults()) {
            if (r.callId().equals(c.callId())) {
              return r;
            }
          }
        }
        return null;
      }
    }
    return null;
  }

  @Property(tries = 100, seed = "5512", shrinking = ShrinkingMode.OFF)
  void historiesRoundTripThroughHistoryJson(@ForAll Dialect dialect, @ForAll("seeds") long seed) {
    Conversations conversations = new Conversations(dialect, seed);
    ObjectNode body = conversations.corrupt(conversations.valid());
    List<Message> history = GUARD.repair(WireCodec.of(dialect).read(body)).request().history();
    assertThat(HistoryJson.read(HistoryJson.write(history))).isEqualTo(history);
    assertThat(HistoryJson.read(HistoryJson.write(WireCodec.of(dialect).read(body).history())))
        .isEqualTo(WireCodec.of(dialect).read(body).history());
  }
}
