package dev.toolguard.json.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.json.WireGuard;
import dev.toolguard.json.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line, run in-process on the sample bodies and on bad input. */
class MainTest {

  private static final Path SAMPLES = Path.of("..", "samples");

  /** What a run printed and returned. */
  record Run(int exit, String out, String err) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\n"));
    }

    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
  }

  static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String sample(String dialect) throws IOException {
    return Files.readString(SAMPLES.resolve("broken-" + dialect + ".json"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai-chat", "openai-responses", "anthropic", "gemini", "bedrock-converse", "mistral",
      "ollama"})
  void checkListsTheViolationsOfASampleOnePerLineAndExitsOne(String dialect) throws IOException {
    Run run = run("", "check", "--dialect", dialect, SAMPLES.resolve("broken-" + dialect + ".json").toString());
    assertThat(run.exit()).isEqualTo(Main.VIOLATIONS);
    assertThat(run.err()).isEmpty();
    int expected = WireGuard.ofDefaults().check(Dialect.fromId(dialect), sample(dialect)).size();
    assertThat(run.outLines()).hasSize(expected).allSatisfy(line -> assertThat(line).matches("[A-Z_]+ at \\S+.*"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai-chat", "openai-responses", "anthropic", "gemini", "bedrock-converse", "mistral",
      "ollama"})
  void repairWritesAValidBodyAndTheReportOfASample(String dialect) throws IOException {
    Run run = run("", "repair", "--dialect=" + dialect, SAMPLES.resolve("broken-" + dialect + ".json").toString());
    assertThat(run.exit()).isEqualTo(Main.OK);
    assertThat(run.errLines()).isNotEmpty().allSatisfy(line ->
        assertThat(line).matches("(MOVE|REBIND|DEDUPLICATE|RENAME|SYNTHESIZE|DROP) \\S+.*\\[\\S+ -> \\S+\\]: .+"));
    assertThat(WireGuard.ofDefaults().check(Dialect.fromId(dialect), run.out())).isEmpty();
    assertThat(run.out()).contains("\n  ").endsWith("}\n"); // indented like the sample

    Run again = run(run.out(), "repair", "--dialect", dialect, "-");
    assertThat(again.exit()).isZero();
    assertThat(again.out()).isEqualTo(run.out());
    assertThat(again.err()).isEmpty();
    assertThat(run(run.out(), "check", "--dialect", dialect, "-").exit()).isZero();
  }

  @Test
  void theChatSampleIsRepairedAsTheReadmeShows() throws IOException {
    Run run = run("", "repair", "--dialect", "openai-chat", SAMPLES.resolve("broken-openai-chat.json").toString());
    assertThat(run.errLines()).hasSize(3);
    assertThat(run.errLines().get(0)).startsWith("MOVE call_paris [messages[4] -> messages[3]]: ");
    assertThat(run.errLines().get(1)).startsWith("MOVE call_rome [messages[5] -> messages[4]]: ");
    assertThat(run.errLines().get(2)).startsWith("SYNTHESIZE call_book [- -> messages[9]]: ");
    var messages = Json.parse(run.out()).get("messages");
    assertThat(messages.get(5).get("content").asText()).isEqualTo("Oh, and in Celsius please.");
    assertThat(messages.get(9).get("tool_call_id").asText()).isEqualTo("call_book");
    assertThat(Json.parse(run.out()).get("temperature")).isEqualTo(Json.parse(sample("openai-chat")).get("temperature"));
  }

  @Test
  void aValidBodyComesOutAsItCameIn() {
    String body = "{\"model\":\"m\",  \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    Run repair = run(body, "repair", "--dialect", "openai-chat", "-");
    assertThat(repair.exit()).isZero();
    assertThat(repair.out()).isEqualTo(body);
    assertThat(repair.err()).isEmpty();
    Run check = run(body, "check", "--dialect", "openai-chat", "-");
    assertThat(check.exit()).isZero();
    assertThat(check.out()).isEmpty();
  }

  @Test
  void aCompactBodyIsRepairedCompact() {
    String body = "{\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":"
        + "\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]}";
    Run run = run(body, "repair", "--dialect", "openai-chat", "-");
    assertThat(run.outLines()).hasSize(1);
    assertThat(run.out()).contains("\"role\":\"tool\"");
  }

  @Test
  void notJsonIsOneLineAndExitTwo() {
    Run run = run("{\"messages\": [", "check", "--dialect", "openai-chat", "-");
    assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).startsWith("toolguard: not JSON: ").endsWith("(line 1, column 15)\n");
    assertThat(run("", "repair", "--dialect", "anthropic", "-").err())
        .isEqualTo("toolguard: not JSON: the input is empty (line 1, column 1)\n");
  }

  @Test
  void aBodyOfAnotherDialectIsOneLineAndExitTwo() throws IOException {
    Run run = run(sample("openai-responses"), "check", "--dialect", "openai-chat", "-");
    assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.err()).isEqualTo("toolguard: the body has no messages array; it has input: is it an OpenAI"
        + " Responses body (--dialect openai-responses)? (messages)\n");
    Run chatAsAnthropic = run(sample("openai-chat"), "repair", "--dialect", "anthropic", "-");
    assertThat(chatAsAnthropic.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(chatAsAnthropic.out()).isEmpty();
    assertThat(chatAsAnthropic.err()).isEqualTo("toolguard: role is 'system'; Anthropic takes the system prompt in"
        + " the top-level system field, not as a message (messages[0].role)\n");
  }

  @Test
  void wrongTypesAndMissingFieldsAreOneLineAndExitTwo() {
    Run wrongType = run("{\"messages\":[{\"role\":\"tool\",\"tool_call_id\":5,\"content\":\"x\"}]}",
        "check", "--dialect", "openai-chat", "-");
    assertThat(wrongType.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(wrongType.err()).isEqualTo("toolguard: a number where a string is expected (messages[0].tool_call_id)\n");
    Run missing = run("{\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\"}]}",
        "repair", "--dialect", "openai-responses", "-");
    assertThat(missing.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(missing.err()).isEqualTo("toolguard: arguments is missing; a function_call item needs its arguments as"
        + " a JSON string (\"{}\" for none) (input[0].arguments)\n");
    Run notAnObject = run("[1,2]", "check", "--dialect", "anthropic", "-");
    assertThat(notAnObject.err()).isEqualTo("toolguard: the body is an array; a request body of anthropic is a"
        + " JSON object ((body))\n");
  }

  @Test
  void aMissingFileIsOneLineAndExitTwo(@TempDir Path dir) {
    Run run = run("", "check", "--dialect", "openai-chat", dir.resolve("nope.json").toString());
    assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.err()).isEqualTo("toolguard: cannot read the input: no such file (" + dir.resolve("nope.json") + ")\n");
  }

  @Test
  void inputThatIsNotUtf8IsBadInput(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.json");
    Files.write(file, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
    Run run = run("", "check", "--dialect", "openai-chat", file.toString());
    assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.err()).startsWith("toolguard: not JSON: the input is not UTF-8 text");
  }

  @Test
  void helpPrintsTheGeneratedUsage() {
    Run run = run("", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo(Main.usage(null));
    assertThat(run.outLines().get(0)).isEqualTo("Usage: toolguard [-hV] [COMMAND]");
    assertThat(run.out()).contains("  check  ", "  repair  ", "  generate-completion  ", "Exit codes:",
        "  1   check found violations", "  3   not enough memory for the body (raise -Xmx), or an internal error");
    Run check = run("", "check", "-h");
    assertThat(check.exit()).isZero();
    assertThat(check.out()).isEqualTo(Main.usage("check"));
    assertThat(check.outLines().get(0)).isEqualTo("Usage: toolguard check [-hV] --dialect=DIALECT FILE|-");
    assertThat(check.out()).contains("--dialect=DIALECT   openai-chat | openai-responses | anthropic",
        "FILE|-              a request body (JSON); - reads standard input");
    assertThat(run("", "repair", "--help").outLines().get(0)).isEqualTo("Usage: toolguard repair [-hV] --dialect=DIALECT FILE|-");
  }

  @Test
  void versionPrintsTheProjectVersionOfTheBuild() {
    for (String[] args : List.of(new String[] {"--version"}, new String[] {"-V"}, new String[] {"check", "--version"})) {
      Run run = run("", args);
      assertThat(run.exit()).isZero();
      assertThat(run.out()).matches("toolguard \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
    }
  }

  @Test
  void generateCompletionPrintsABashScriptThatCompletesTheCommandsAndTheDialects() {
    Run run = run("", "generate-completion");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_toolguard")
        .contains("check", "repair", "(\"openai-chat\" \"openai-responses\" \"anthropic\" \"gemini\" \"bedrock-converse\""
            + " \"mistral\" \"ollama\") # --dialect values");
  }

  @Test
  void badUsageNamesTheProblemThenPrintsTheUsageAndExitsTwo() {
    assertUsage(run(""), null, "toolguard: Missing required subcommand");
    assertUsage(run("", "lint", "--dialect", "openai-chat", "-"), null,
        "toolguard: Unmatched arguments from index 0: 'lint', '--dialect', 'openai-chat', '-'");
    assertUsage(run("", "check", "--dialect", "openai-chat", "--verbose", "-"), "check",
        "toolguard: Unknown option: '--verbose'");
    assertUsage(run("", "check", "-"), "check", "toolguard: Missing required option: '--dialect=DIALECT'");
    assertUsage(run("", "check", "--dialect", "cohere", "-"), "check", "toolguard: Invalid value for option"
        + " '--dialect': unknown dialect 'cohere'; use one of openai-chat, openai-responses, anthropic, gemini,"
        + " bedrock-converse, mistral, ollama");
    assertUsage(run("", "repair", "--dialect"), "repair",
        "toolguard: Missing required parameter for option '--dialect' (DIALECT)");
    assertUsage(run("", "check", "--dialect", "anthropic"), "check", "toolguard: Missing required parameter: 'FILE|-'");
    assertUsage(run("", "check", "--dialect", "anthropic", "a.json", "b.json"), "check",
        "toolguard: Unmatched argument at index 4: 'b.json'");
  }

  private static void assertUsage(Run run, @Nullable String command, String firstLine) {
    assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines().get(0)).isEqualTo(firstLine);
    assertThat(run.err()).isEqualTo(firstLine + "\n" + Main.usage(command));
  }
}
