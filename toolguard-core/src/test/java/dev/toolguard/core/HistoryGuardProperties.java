package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.testkit.properties.PropertyBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * The promises of check and repair over random valid histories with random faults ({@link
 * RandomHistories}: jqwik arbitraries, so a failure shrinks to a small history and prints its seed).
 * Tries are budgeted by {@link PropertyBudget}: {@code -Pexhaustive} multiplies them.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class HistoryGuardProperties {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  @Provide
  Arbitrary<List<Message>> validHistories() {
    return RandomHistories.valid();
  }

  @Provide
  Arbitrary<List<Message>> brokenHistories() {
    return RandomHistories.broken();
  }

  @Provide
  Arbitrary<List<RandomHistories.FaultStep>> threeFaults() {
    return RandomHistories.faults(3, 3);
  }

  @Property(tries = 2000)
  void validHistoriesAreValidAndComeBackUntouched(@ForAll("validHistories") List<Message> history) {
    assertThat(guard.check(history)).isEmpty();
    RepairResult r = guard.repair(history);
    assertThat(r.history()).isSameAs(history);
    assertThat(r.actions()).isEmpty();
  }

  @Property(tries = 3000)
  void repairMakesAnyHistoryValid(@ForAll("brokenHistories") List<Message> history) {
    RepairResult r = guard.repair(history);
    assertThat(guard.check(r.history())).as("violations after repair of %s", history).isEmpty();
  }

  @Property(tries = 3000)
  void repairIsIdempotent(@ForAll("brokenHistories") List<Message> history) {
    RepairResult once = guard.repair(history);
    RepairResult twice = guard.repair(once.history());
    assertThat(twice.history()).isSameAs(once.history());
    assertThat(twice.actions()).isEmpty();
  }

  @Property(tries = 3000)
  void nothingSaidIsLostOrReordered(@ForAll("brokenHistories") List<Message> history) {
    RepairResult r = guard.repair(history);
    assertThat(said(r.history())).isEqualTo(said(history));
  }

  @Property(tries = 3000)
  void everyCallStaysAndEveryCompletePairSurvives(@ForAll("brokenHistories") List<Message> history) {
    RepairResult r = guard.repair(history);
    // an exact copy of a call (same id, tool and arguments) goes, and says so; every other call stays
    long repeated = r.actions().stream()
        .filter(a -> a.kind() == RepairAction.Kind.DEDUPLICATE && a.detail().startsWith("removed call ")).count();
    assertThat(repeated).isEqualTo(guard.check(history).stream()
        .filter(v -> v.code() == ViolationCode.REPEATED_CALL).count());
    assertThat(callCount(r.history())).isEqualTo(callCount(history) - repeated);
    Map<String, List<String>> outputsBefore = outputsOfUniqueCalls(history);
    Map<String, String> outputAfter = new HashMap<>();
    for (Message m : r.history()) {
      for (ToolResult result : m.toolResults()) {
        outputAfter.put(result.callId(), result.output());
      }
    }
    outputsBefore.forEach((id, outputs) -> assertThat(outputs).as("result of complete pair %s", id)
        .contains(outputAfter.get(id)));
  }

  @Property(tries = 500)
  void faultsComeOutAsViolations(@ForAll("validHistories") List<Message> history,
      @ForAll("threeFaults") List<RandomHistories.FaultStep> faults) {
    List<Message> broken = RandomHistories.corrupt(history, faults);
    RepairResult r = guard.repair(broken);
    assertThat(r.changed()).isEqualTo(!guard.check(broken).isEmpty());
  }

  /**
   * Per dialect: repair gives a history that check of that dialect finds valid, repairs nothing twice,
   * changes a history exactly when check finds a violation, loses nothing said (Anthropic, Bedrock and
   * Gemini may put one user turn first, and say so), and never makes a history stricter than the
   * dialect-free repair needs: whatever the dialect-free repair accepts, the OpenAI dialects accept too.
   */
  @Property(tries = 1500)
  void repairForADialectKeepsTheDialectsRules(@ForAll("brokenHistories") List<Message> history,
      @ForAll Dialect dialect) {
    List<Violation> violations = guard.check(history, dialect);
    RepairResult r = guard.repair(history, dialect);
    assertThat(r.changed()).as("changed iff violations %s in %s", violations, history)
        .isEqualTo(!violations.isEmpty());
    assertThat(guard.check(r.history(), dialect)).as("violations after repair of %s", history).isEmpty();
    RepairResult twice = guard.repair(r.history(), dialect);
    assertThat(twice.history()).isSameAs(r.history());
    List<String> said = said(r.history());
    boolean cut = r.actions().stream().anyMatch(a -> a.kind() == RepairAction.Kind.SYNTHESIZE && a.callId().isEmpty());
    if (cut) {
      // the dialects whose first turn must be the user's (Gemini: before a turn with calls)
      assertThat(dialect).isIn(Dialect.ANTHROPIC, Dialect.BEDROCK_CONVERSE, Dialect.GEMINI);
      assertThat(said).contains("USER: " + RepairPolicy.DEFAULT_CUT_HISTORY_TEXT);
      said.remove("USER: " + RepairPolicy.DEFAULT_CUT_HISTORY_TEXT);
    }
    assertThat(said).isEqualTo(said(history));
    List<Message> strict = guard.repair(history).history();
    if (dialect == Dialect.OPENAI_CHAT || dialect == Dialect.OPENAI_RESPONSES) {
      // the newer dialects add rules of their own (ids, turns, order): NewDialectsProperties
      assertThat(guard.check(strict, dialect)).isEmpty();
    }
  }

  /** Every text and opaque item outside tool messages, in order, with its role. */
  private static List<String> said(List<Message> history) {
    List<String> said = new ArrayList<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof Text t) {
          said.add(m.role() + ": " + t.text());
        } else if (c instanceof Opaque o) {
          said.add(m.role() + " opaque " + o.payload());
        }
      }
    }
    return said;
  }

  private static int callCount(List<Message> history) {
    int n = 0;
    for (Message m : history) {
      n += m.toolCalls().size();
    }
    return n;
  }

  /** For each call id used by exactly one call and answered somewhere: the outputs answering it. */
  private static Map<String, List<String>> outputsOfUniqueCalls(List<Message> history) {
    Map<String, Integer> uses = new HashMap<>();
    for (Message m : history) {
      for (ToolCall c : m.toolCalls()) {
        uses.merge(c.callId(), 1, Integer::sum);
      }
    }
    Map<String, List<String>> outputs = new HashMap<>();
    for (Message m : history) {
      for (ToolResult result : m.toolResults()) {
        if (!result.callId().isEmpty() && uses.getOrDefault(result.callId(), 0) == 1) {
          outputs.computeIfAbsent(result.callId(), k -> new ArrayList<>()).add(result.output());
        }
      }
    }
    return outputs;
  }
}
