package dev.toolguard.json.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A call id or tool name from a body may hold line breaks, NUL or terminal escape sequences. The
 * command line printed them raw: a finding spread over several lines, and a crafted body could set
 * the title of the user's terminal or recolour it. Every report line now writes control characters
 * as {@code \\uXXXX}. Found by the hostile-input suite.
 */
class ControlCharactersInReportsTest {

  private static final String BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"},"
      + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_\\u001b]0;pwned\\u0007\\r\\nFAKE\","
      + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},{\"role\":\"user\",\"content\":\"?\"}]}";

  private static String[] run(String command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Main.run(new String[] {command, "--dialect", "openai-chat", "-"},
        new ByteArrayInputStream(BODY.getBytes(StandardCharsets.UTF_8)), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void checkWritesOneLinePerViolationWithControlCharactersEscaped() {
    String report = run("check")[0];
    assertThat(report.lines()).hasSize(1);
    assertThat(report).contains("call_\\u001b]0;pwned\\u0007\\u000d\\u000aFAKE").doesNotContain("\u001b", "\u0007", "\r");
  }

  @Test
  void repairWritesOneLinePerActionWithControlCharactersEscaped() {
    String[] run = run("repair");
    assertThat(run[1].lines()).hasSize(1);
    assertThat(run[1]).startsWith("SYNTHESIZE call_\\u001b]0;pwned\\u0007\\u000d\\u000aFAKE").doesNotContain("\u001b");
    assertThat(run[0]).doesNotContain("\u001b", "\u0007", "\r");
  }

  @Test
  void printableLeavesOrdinaryTextAsItIs() {
    String line = "MISSING_RESULT at messages[1] (callId call_1): über ✓";
    assertThat(Main.printable(line)).isSameAs(line);
  }
}
