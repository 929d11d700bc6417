package dev.toolguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.testkit.properties.PropertyBudget;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;

/**
 * The promises of check and repair for Gemini, Bedrock Converse, Mistral and Ollama, over random
 * histories with random faults ({@link RandomHistories}, whose faults include the ones these dialects
 * refuse: an error result without text, a result naming another tool, an assistant turn before a turn
 * with calls; the generated ids, {@code call_N}, are not Mistral's): repair's output passes check in
 * the dialect, every id obeys the dialect's rule, repair is idempotent and deterministic, changes a
 * history exactly when check finds a violation, and loses nothing said.
 */
@AddLifecycleHook(value = PropertyBudget.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class NewDialectsProperties {

  private final HistoryGuard guard = HistoryGuard.ofDefaults();

  @Provide
  Arbitrary<List<Message>> brokenHistories() {
    return RandomHistories.broken();
  }

  @Provide
  Arbitrary<List<Message>> validHistories() {
    return RandomHistories.valid();
  }

  @Provide
  Arbitrary<Dialect> newDialects() {
    return Arbitraries.of(Dialect.GEMINI, Dialect.BEDROCK_CONVERSE, Dialect.MISTRAL, Dialect.OLLAMA);
  }

  @Property(tries = 1000)
  void repairPassesCheckInTheDialect(@ForAll("brokenHistories") List<Message> history,
      @ForAll("newDialects") Dialect dialect) {
    List<Violation> violations = guard.check(history, dialect);
    RepairResult r = guard.repair(history, dialect);
    assertThat(r.changed()).as("changed iff violations %s", violations).isEqualTo(!violations.isEmpty());
    assertThat(guard.check(r.history(), dialect)).as("violations after repair of %s", history).isEmpty();
    // and the invariant without a dialect: the newer dialects are no looser than it
    assertThat(guard.check(r.history())).isEmpty();
  }

  @Property(tries = 1000)
  void everyIdObeysTheDialectsRule(@ForAll("brokenHistories") List<Message> history,
      @ForAll("newDialects") Dialect dialect) {
    RepairResult r = guard.repair(history, dialect);
    for (Message m : r.history()) {
      for (ToolCall call : m.toolCalls()) {
        assertThat(dialect.acceptsCallId(call.callId())).as("call id %s in %s", call.callId(), dialect).isTrue();
      }
    }
    for (RepairAction a : r.actions()) {
      if (a.kind() == RepairAction.Kind.RENAME) {
        assertThat(dialect.acceptsCallId(a.newCallId())).as("renamed id %s in %s", a.newCallId(), dialect).isTrue();
        if (dialect == Dialect.MISTRAL) {
          assertThat(a.newCallId()).matches("[a-zA-Z0-9]{9}");
        }
      }
    }
  }

  @Property(tries = 1000)
  void repairIsIdempotentAndDeterministic(@ForAll("brokenHistories") List<Message> history,
      @ForAll("newDialects") Dialect dialect) {
    RepairResult once = guard.repair(history, dialect);
    RepairResult twice = guard.repair(once.history(), dialect);
    assertThat(twice.history()).isSameAs(once.history());
    assertThat(twice.actions()).isEmpty();
    assertThat(guard.repair(history, dialect).history()).isEqualTo(once.history());
  }

  @Property(tries = 1000)
  void nothingSaidIsLostOrReordered(@ForAll("brokenHistories") List<Message> history,
      @ForAll("newDialects") Dialect dialect) {
    RepairResult r = guard.repair(history, dialect);
    List<String> said = said(r.history());
    boolean cut = r.actions().stream().anyMatch(a -> a.kind() == RepairAction.Kind.SYNTHESIZE && a.callId().isEmpty());
    if (cut) {
      assertThat(dialect).isIn(Dialect.BEDROCK_CONVERSE, Dialect.GEMINI);
      assertThat(said.remove("USER: " + RepairPolicy.DEFAULT_CUT_HISTORY_TEXT)).isTrue();
    }
    assertThat(said).isEqualTo(said(history));
  }

  @Property(tries = 500)
  void validHistoriesNeedAtMostTheDialectsOwnChanges(@ForAll("validHistories") List<Message> history,
      @ForAll("newDialects") Dialect dialect) {
    RepairResult r = guard.repair(history, dialect);
    // a valid history of generated ids (call_N), its results in any order, needs nothing but Mistral's ids
    // and Ollama's order
    if (dialect == Dialect.MISTRAL) {
      assertThat(r.actions()).extracting(RepairAction::kind).isSubsetOf(RepairAction.Kind.RENAME);
    } else if (dialect == Dialect.OLLAMA) {
      assertThat(r.actions()).extracting(RepairAction::kind).isSubsetOf(RepairAction.Kind.MOVE);
    } else {
      assertThat(r.history()).isSameAs(history);
    }
  }

  @Property(tries = 1000)
  void everyViolationHasTheProvidersWordsWhereTheProviderRefuses(@ForAll("brokenHistories") List<Message> history,
      @ForAll("newDialects") Dialect dialect) {
    for (Violation v : guard.check(history, dialect)) {
      String words = v.providerError(dialect);
      boolean refused = switch (dialect) {
        case MISTRAL -> v.code() == ViolationCode.INVALID_CALL_ID || v.code() == ViolationCode.MISSING_RESULT
            || v.code() == ViolationCode.ORPHAN_RESULT;
        case BEDROCK_CONVERSE -> v.code() == ViolationCode.MISSING_RESULT || v.code() == ViolationCode.ORPHAN_RESULT
            || v.code() == ViolationCode.EMPTY_ERROR_RESULT || v.code() == ViolationCode.FIRST_MESSAGE_NOT_USER;
        case GEMINI -> v.code() == ViolationCode.MISSING_RESULT || v.code() == ViolationCode.CALL_TURN_NOT_AFTER_USER;
        default -> false;
      };
      if (refused) {
        assertThat(words).as("%s in %s", v, dialect).isNotEmpty();
        assertThat(v.dialect()).isEqualTo(dialect);
      }
    }
  }

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


}
