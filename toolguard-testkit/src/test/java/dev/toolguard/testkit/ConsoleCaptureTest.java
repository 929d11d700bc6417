package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ConsoleCaptureTest {

  @Test
  void capturesBothStreamsInOrderAndPutsThemBack() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    String printed = ConsoleCapture.of(() -> {
      System.out.println("to out ✓");
      System.err.println("to err");
    });
    assertThat(printed).isEqualTo("to out ✓" + System.lineSeparator() + "to err" + System.lineSeparator());
    assertThat(System.out).isSameAs(out);
    assertThat(System.err).isSameAs(err);
  }

  @Test
  void putsTheStreamsBackWhenTheActionThrows() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    assertThatThrownBy(() -> ConsoleCapture.of(() -> {
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(System.out).isSameAs(out);
    assertThat(System.err).isSameAs(err);
    assertThatThrownBy(() -> ConsoleCapture.of(null)).hasMessage("action must not be null");
  }
}
