package dev.toolguard.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link ToolRunner#interruptedBy}: an {@link InterruptedException} is found in a cause chain up to 16
 * throwables long (the thrown one and 15 causes), not deeper, and a chain that loops ends the search.
 */
class InterruptedByTest {

  /** {@code wrappers} exceptions, each the cause of the one before, around {@code innermost}. */
  private static Throwable wrapped(int wrappers, Throwable innermost) {
    Throwable t = innermost;
    for (int k = 0; k < wrappers; k++) {
      t = new IllegalStateException("wrapper " + k, t);
    }
    return t;
  }

  @Test
  void anInterruptIsFoundAsTheSixteenthThrowableButNotTheSeventeenth() {
    assertThat(ToolRunner.interruptedBy(new InterruptedException())).isTrue();
    assertThat(ToolRunner.interruptedBy(wrapped(15, new InterruptedException()))).isTrue();
    assertThat(ToolRunner.interruptedBy(wrapped(16, new InterruptedException()))).isFalse();
    assertThat(ToolRunner.interruptedBy(wrapped(15, new RuntimeException()))).isFalse();
    assertThat(ToolRunner.interruptedBy(null)).isFalse();
  }

  @Test
  void aCauseChainThatLoopsEndsTheSearch() {
    IllegalStateException a = new IllegalStateException("a");
    IllegalStateException b = new IllegalStateException("b", a);
    a.initCause(b);

    assertThat(ToolRunner.interruptedBy(b)).isFalse();
  }
}
