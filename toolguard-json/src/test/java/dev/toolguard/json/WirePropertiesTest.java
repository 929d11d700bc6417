package dev.toolguard.json;

import static dev.toolguard.json.Survival.assertCompletePairsKept;
import static dev.toolguard.json.Survival.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.properties.PropertyBudget;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * Properties over random bodies of each dialect with random faults: reading and writing is
 * lossless; a valid body is left as it is; a repaired body is valid for core and the dialect, keeps
 * everything said and every complete pair, and repairs to itself.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class WirePropertiesTest {

  private static final WireGuard GUARD = WireGuard.ofDefaults();

  /** The dialects whose bodies {@link Conversations} makes (Mistral and Ollama: ChatLikeCodecsProperties). */
  @Provide
  Arbitrary<Dialect> dialects() {
    return net.jqwik.api.Arbitraries.of(Dialect.OPENAI_CHAT, Dialect.OPENAI_RESPONSES, Dialect.ANTHROPIC);
  }

  @Provide
  Arbitrary<Choices> choices() {
    return Choices.arbitrary();
  }

  @Property(tries = 200, seed = "7340211")
  void validBodiesRoundTripAndAreLeftAsTheyAre(@ForAll("dialects") Dialect dialect, @ForAll("choices") Choices choices) {
    String body = Json.write(new Conversations(dialect, choices).valid());
    assertRoundTrip(dialect, body);
    assertThat(GUARD.check(dialect, body)).as(body).isEmpty();
    WireRepair repair = GUARD.repair(dialect, body);
    assertThat(repair.changed()).as(body).isFalse();
    assertThat(repair.body()).isSameAs(body);
  }

  @Property(tries = 300, seed = "1190477")
  void repairedBodiesAreValidLoseNothingAndRepairToThemselves(@ForAll("dialects") Dialect dialect, @ForAll("choices") Choices choices) {
    Conversations conversations = new Conversations(dialect, choices);
    String body = Json.write(conversations.corrupt(conversations.valid()));
    String context = dialect.id() + " " + body;
    assertRoundTrip(dialect, body);

    WireRepair repair = GUARD.repair(dialect, body);
    // with extended thinking on, a last tool turn without its thinking block is flagged, not repaired
    // (a thinking block cannot be made up): the one violation a repaired body may keep
    net.jqwik.api.Assume.that(!conversations.thinkingOn() || GUARD.check(dialect, repair.body()).stream()
        .noneMatch(v -> v.code().equals("THINKING_NOT_FIRST")));
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
    assertThat(Survival.saidBesidesCutNote(out, repair, context)).as("everything said, in order: " + context)
        .isEqualTo(Survival.saidToKeep(in, repair));
    long droppedReasoning = repair.actions().stream()
        .filter(a -> a.kind() == RepairAction.Kind.DROP && a.detail().startsWith("removed reasoning item"))
        .count();
    assertThat(count(out, "reasoning")).as(context).isEqualTo(count(in, "reasoning") - droppedReasoning);
    assertThat(Survival.thinking(out)).as("thinking blocks: %s", context)
        .isEqualTo(Survival.thinking(in) - Survival.droppedThinking(repair));
    assertCompletePairsKept(in, repair.request().history(), context, dialect == Dialect.OPENAI_RESPONSES);
  }

  /**
   * Repair writes only the messages it changed and copies the others from the text that came in:
   * its text is the same JSON value as the repaired request written whole, compact or indented, and
   * a second repair gives it back as it is.
   */
  @Property(tries = 300, seed = "20261207")
  void aSplicedRepairIsTheRepairedRequestWrittenWhole(@ForAll("dialects") Dialect dialect, @ForAll("choices") Choices choices,
      @ForAll boolean indented) {
    Conversations conversations = new Conversations(dialect, choices);
    ObjectNode corrupted = conversations.corrupt(conversations.valid());
    String body = indented ? Json.writePretty(corrupted) : Json.write(corrupted);
    WireRepair repair = GUARD.repair(dialect, body);
    String whole = WireCodec.of(dialect).write(repair.request());
    assertThat(Json.parse(repair.body())).as("%s%nspliced: %s", body, repair.body()).isEqualTo(Json.parse(whole));
    if (!indented) {
      // compact in, compact out: the copied spans are the written text of the same items
      assertThat(repair.body()).as(body).isEqualTo(whole);
    }
    WireRepair again = GUARD.repair(dialect, repair.body());
    assertThat(again.changed()).as(repair.body()).isFalse();
    assertThat(again.body()).isSameAs(repair.body());
  }

  private static void assertRoundTrip(Dialect dialect, String body) {
    WireCodec codec = WireCodec.of(dialect);
    assertThat(codec.write(codec.read(body))).as(body).isEqualTo(Json.write(Json.parse(body)));
  }

  @Property(tries = 100, seed = "5512")
  void historiesRoundTripThroughHistoryJson(@ForAll("dialects") Dialect dialect, @ForAll("choices") Choices choices) {
    Conversations conversations = new Conversations(dialect, choices);
    ObjectNode body = conversations.corrupt(conversations.valid());
    List<Message> history = GUARD.repair(WireCodec.of(dialect).read(body)).request().history();
    assertThat(HistoryJson.read(HistoryJson.write(history))).isEqualTo(history);
    assertThat(HistoryJson.read(HistoryJson.write(WireCodec.of(dialect).read(body).history())))
        .isEqualTo(WireCodec.of(dialect).read(body).history());
  }
}
