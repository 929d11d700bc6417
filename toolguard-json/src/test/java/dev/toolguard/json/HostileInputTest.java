package dev.toolguard.json;

import static dev.toolguard.json.Bodies.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolCall;
import dev.toolguard.json.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and broken input to the wire guard, the history format and the command line: nesting deep
 * enough to blow a recursive parser's stack, ids and tool names with control characters (terminal
 * escapes, NUL, line breaks), and bodies that are not what they claim. Each gets a clear, specific
 * error (never a stack overflow, an NPE or an internal error), and what can be read loses nothing.
 */
class HostileInputTest {

  private static final WireGuard GUARD = WireGuard.ofDefaults();

  /** What a command line run printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run cli(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run cli(String stdin, String... args) {
    return cli(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  private static String nested(int depth, String open, String inner, String close) {
    return open.repeat(depth) + inner + close.repeat(depth);
  }

  private static String userWith(Dialect dialect, String contentJson) {
    String list = dialect == Dialect.OPENAI_RESPONSES ? "input" : "messages";
    return "{\"model\":\"m\"," + (dialect == Dialect.ANTHROPIC ? "\"max_tokens\":5," : "") + "\"" + list
        + "\":[{\"role\":\"user\",\"content\":" + contentJson + "}]}";
  }

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void nestingDeepEnoughToBlowAStackIsAClearErrorEverywhere(Dialect dialect) {
    String body = userWith(dialect, "[{\"type\":\"text\",\"text\":\"hi\",\"x\":" + nested(100_000, "[", "1", "]") + "}]");

    for (Runnable r : List.<Runnable>of(() -> GUARD.check(dialect, body), () -> GUARD.repair(dialect, body),
        () -> WireCodec.of(dialect).read(body))) {
      WireFormatException e = catchThrowableOfType(WireFormatException.class, r::run);
      assertThat(e).isNotNull();
      assertThat(e.problem()).startsWith("not JSON").containsIgnoringCase("nesting depth");
    }
    Run run = cli(body, "check", "--dialect", dialect.id(), "-");
    assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("toolguard: not JSON").containsIgnoringCase("nesting depth");
    assertThat(run.err().strip()).doesNotContain("\n");
  }

  @Test
  void nestingBelowTheParsersLimitIsKeptWhole() {
    String input = nested(900, "{\"a\":", "1", "}");
    String body = json("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'go'},"
        + "{'role':'assistant','content':[{'type':'tool_use','id':'toolu_1','name':'f','input':" + input + "}]},"
        + "{'role':'user','content':'well?'}]}");

    WireRepair repair = GUARD.repair(Dialect.ANTHROPIC, body);

    assertThat(repair.body()).contains(input);
    assertThat(GUARD.check(Dialect.ANTHROPIC, repair.body())).isEmpty();
  }

  @Test
  void argumentsThatAreJsonTooDeepForCoreAreStillCarriedAsText() {
    String deep = nested(50_000, "[", "", "]");
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"},{\"role\":\"assistant\","
        + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\""
        + deep + "\"}}]},{\"role\":\"user\",\"content\":\"well?\"}]}";

    WireRepair repair = GUARD.repair(Dialect.OPENAI_CHAT, body);

    ToolCall call = repair.request().history().get(1).toolCalls().get(0);
    assertThat(call.argumentsJson()).isEqualTo(deep);
    assertThat(GUARD.check(Dialect.OPENAI_CHAT, repair.body())).isEmpty();
  }

  @Test
  void aHistoryDocumentNestedTooDeeplyIsAClearError() {
    String doc = "{\"format\":\"toolguard-history\",\"version\":1,\"messages\":" + nested(100_000, "[", "", "]") + "}";

    WireFormatException e = catchThrowableOfType(WireFormatException.class, () -> HistoryJson.read(doc));

    assertThat(e).isNotNull();
    assertThat(e.problem()).containsIgnoringCase("nesting depth");
  }

  /** Ids and names a hostile model or store could send: terminal escapes, NUL, a line break, a bell. */
  private static final String HOSTILE_ID = "call_\u001b]0;pwned\u0007\u0000\r\nFAKE";
  private static final String HOSTILE_NAME = "pay\u001b[31m\u0000\n";

  @ParameterizedTest
  @EnumSource(value = Dialect.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES", "ANTHROPIC"})
  void idsAndNamesWithControlCharactersRoundTripAndStayEscapedInTheCommandLinesOutput(Dialect dialect) {
    String body = bodyWithCall(dialect, HOSTILE_ID, HOSTILE_NAME);

    List<Message> history = WireCodec.of(dialect).read(body).history();
    ToolCall call = history.get(1).toolCalls().get(0);
    assertThat(call.callId()).isEqualTo(HOSTILE_ID);
    assertThat(call.name()).isEqualTo(HOSTILE_NAME);
    assertThat(HistoryJson.read(HistoryJson.write(history))).isEqualTo(history);
    WireRepair repair = GUARD.repair(dialect, body);
    assertThat(GUARD.check(dialect, repair.body())).isEmpty();

    for (String command : List.of("check", "repair")) {
      Run run = cli(body, command, "--dialect", dialect.id(), "-");
      assertThat(run.exit()).as(command).isIn(Main.OK, Main.VIOLATIONS);
      String report = command.equals("check") ? run.out() : run.err();
      int findings = command.equals("check") ? GUARD.check(dialect, body).size() : repair.actions().size();
      assertThat(findings).isPositive();
      assertThat(report.strip().split("\n")).as("one line per finding in %s", report).hasSize(findings);
      assertThat(report).as("%s report", command).doesNotContain("\u001b", "\u0007", "\u0000", "\r");
      if (command.equals("repair")) {
        assertThat(run.out()).as("the repaired body is JSON: its control characters are escaped")
            .doesNotContain("\u001b", "\u0007", "\u0000", "\r");
      }
    }
  }

  /** A body whose one call has no result (and, for Anthropic, an id it rejects). */
  private static String bodyWithCall(Dialect dialect, String id, String name) {
    String qid = quote(id);
    String qname = quote(name);
    switch (dialect) {
      case OPENAI_CHAT:
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"},{\"role\":\"assistant\","
            + "\"tool_calls\":[{\"id\":" + qid + ",\"type\":\"function\",\"function\":{\"name\":" + qname
            + ",\"arguments\":\"{}\"}}]},{\"role\":\"user\",\"content\":\"well?\"}]}";
      case OPENAI_RESPONSES:
        return "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"go\"},{\"type\":\"function_call\","
            + "\"call_id\":" + qid + ",\"name\":" + qname + ",\"arguments\":\"{}\"},"
            + "{\"role\":\"user\",\"content\":\"well?\"}]}";
      default:
        return "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"go\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":" + qid + ",\"name\":" + qname
            + ",\"input\":{}}]},{\"role\":\"user\",\"content\":\"well?\"}]}";
    }
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "   ", "null", "42", "\"a string\"", "[]", "{}", "{\"model\":\"m\"}", "{\"model\":\"m\",\"messages\":\"hi\"}",
      "{\"model\":\"m\",\"messages\":[null]}", "{\"model\":\"m\",\"messages\":[{\"role\":7}]}",
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]} trailing",
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}", "\u0000\u0001\u0002",
      "{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"tool_call_id\":{\"x\":1},\"content\":\"r\"}]}",
      "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
          + "\"function\":{\"name\":5,\"arguments\":\"{}\"}}]}]}"})
  void bodiesThatAreNotRequestBodiesAreOneClearLineAndExitTwo(String body) {
    for (String command : List.of("check", "repair")) {
      Run run = cli(body, command, "--dialect", "openai-chat", "-");
      assertThat(run.exit()).as("%s of %s: %s", command, body, run.err()).isEqualTo(Main.BAD_INPUT);
      assertThat(run.out()).as("nothing on standard output").isEmpty();
      assertThat(run.err()).startsWith("toolguard: ").endsWith("\n");
      assertThat(run.err().strip()).as("one line").doesNotContain("\n").doesNotContain("internal error")
          .doesNotContain("Exception");
    }
  }

  @Test
  void binaryInputIsBadInput() {
    byte[] garbage = new byte[4096];
    new java.util.Random(7).nextBytes(garbage);
    Run run = cli(garbage, "repair", "--dialect", "anthropic", "-");
    assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().strip()).startsWith("toolguard: not JSON").doesNotContain("\n");
  }

  /**
   * The command line as users run it, in its own process with the library's logs on at INFO: the
   * WARN lines of repair name call ids and never carry arguments, outputs or what anyone said.
   */
  @Test
  void theLogsOfARepairCarryIdsOnlyNeverArgumentsOutputsOrTexts() throws IOException, InterruptedException {
    String secret = "s3cr3t-4111-1111";
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"pay " + secret + "\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
        + "\"pay\",\"arguments\":\"{\\\"card\\\":\\\"" + secret + "\\\"}\"}}]},"
        + "{\"role\":\"user\",\"content\":\"typed " + secret + "\"},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"charged " + secret + "\"},"
        + "{\"role\":\"tool\",\"tool_call_id\":\"call_gone\",\"content\":\"refund " + secret + "\"},"
        + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_" + "x".repeat(50) + "\",\"type\":\"function\","
        + "\"function\":{\"name\":\"pay\",\"arguments\":\"{\\\"card\\\":\\\"" + secret + "\\\"}\"}}]}]}";
    List<String> command = new ArrayList<>(List.of(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        Main.class.getName(), "repair", "--dialect", "openai-chat", "-"));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(err).isEqualTo(Main.OK);
    assertThat(new String(out, StandardCharsets.UTF_8)).contains(secret); // the body itself is the output
    List<String> logLines = err.lines().filter(l -> l.contains(" WARN ") || l.contains(" INFO ")
        || l.contains(" ERROR ")).toList();
    assertThat(logLines).as(err).isNotEmpty();
    assertThat(String.join("\n", logLines)).contains("call_1").contains("call_gone").doesNotContain(secret)
        .doesNotContain("card");
    assertThat(err).doesNotContain(secret);
  }
}
