package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** {@link Race} settles two runs only when the raced tool ran once, and {@link SameIds} checks what it says. */
class RaceTest {

  @SuppressWarnings("unchecked")
  private static Supplier<String> claims(Race race) {
    return race.watch(Supplier.class, () -> "held", "get", "held"::equals);
  }

  @Test
  void oneRunInsideTheGateAndOneTurnedAwayIsSettled() {
    Race race = new Race();
    Supplier<String> claim = claims(race);
    AtomicBoolean first = new AtomicBoolean();
    Race.Settled<String> settled = race.twice(() -> {
      if (first.compareAndSet(false, true)) {
        race.gate().pass();
        return "ran";
      }
      throw new IllegalStateException(claim.get());
    }, false, IllegalStateException.class);

    assertThat(settled.values()).containsExactly("ran");
    assertThat(settled.refusal()).isInstanceOf(IllegalStateException.class).hasMessage("held");
    assertThat(race.gate().entries()).isEqualTo(1);
  }

  @Test
  void aToolThatRanTwiceIsNotSettled() {
    Race race = new Race();
    Supplier<String> claim = claims(race);
    assertThatThrownBy(() -> race.twice(() -> {
      claim.get();
      race.gate().pass();
      return "ran";
    }, true, IllegalStateException.class)).isInstanceOf(AssertionError.class)
        .hasMessage("the raced tool ran 2 times, not once");
  }

  @Test
  void aSecondRunThatFailedOtherwiseIsNotSettled() {
    Race race = new Race();
    Supplier<String> claim = claims(race);
    AtomicBoolean first = new AtomicBoolean();
    assertThatThrownBy(() -> race.twice(() -> {
      if (first.compareAndSet(false, true)) {
        race.gate().pass();
        return "ran";
      }
      throw new UnsupportedOperationException(claim.get());
    }, true, IllegalStateException.class)).isInstanceOf(AssertionError.class)
        .hasMessage("both runs should have returned; 1 returned, thrown: [java.lang.UnsupportedOperationException: held]");
  }

  @Test
  void sameIdsSeesAResultOfTheFirstConversationInTheSecond() {
    SameIds ledger = new SameIds();
    for (String conversation : SameIds.CONVERSATIONS) {
      ledger.run(conversation, SameIds.FREE_TOOL);
      ledger.run(conversation, SameIds.APPROVED_TOOL);
    }
    ledger.checkEachRanOncePerConversation();
    assertThat(SameIds.resultsOfSecond()).containsExactly("call_0 get_balance for B, run 2", "call_1 get_rate for B, run 2");

    SameIds leaked = new SameIds();
    leaked.run(SameIds.FIRST, SameIds.FREE_TOOL);
    leaked.run(SameIds.FIRST, SameIds.APPROVED_TOOL);
    leaked.run(SameIds.SECOND, SameIds.FREE_TOOL);
    assertThatThrownBy(leaked::checkEachRanOncePerConversation).isInstanceOf(AssertionError.class)
        .hasMessage("the tools ran [A get_rate, A get_balance, B get_rate], not [A get_rate, A get_balance, B get_rate,"
            + " B get_balance]");
    assertThat(SameIds.output("B", "x", 2)).isEqualTo("x for B, run 2");
  }
}
