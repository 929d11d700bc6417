package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefereeMainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private RefereeMain.Launch launch(String... args) {
    return RefereeMain.launch(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsTheBaseUrlAndServes() {
    RefereeMain.Launch launch = launch("--port", "0");
    try (ProviderReferee referee = launch.referee()) {
      assertThat(referee).isNotNull();
      String printed = out.toString(StandardCharsets.UTF_8);
      assertThat(printed).isEqualTo(referee.baseUrl() + System.lineSeparator());
      assertThat(printed).matches("http://127\\.0\\.0\\.1:\\d+\\R");
      Http.Result r = Http.post(referee, Endpoint.CHAT_COMPLETIONS,
          "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(r.status()).isEqualTo(200);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void acceptsPortEqualsForm() {
    try (ProviderReferee referee = launch("--port=0").referee()) {
      assertThat(referee.port()).isPositive();
    }
  }

  @Test
  void badFlagsExitTwoWithTheProblemThenTheUsage() {
    List<List<String>> cases = List.of(List.of("--bogus"), List.of("--port"), List.of("--port", "abc"),
        List.of("--port", "70000"));
    List<String> problems = List.of("toolguard-referee: Unknown option: '--bogus'",
        "toolguard-referee: Missing required parameter for option '--port' (N)",
        "toolguard-referee: Invalid value for option '--port': 'abc' is not an int",
        "toolguard-referee: --port needs a number from 0 to 65535, got 70000");
    for (int i = 0; i < cases.size(); i++) {
      err.reset();
      RefereeMain.Launch launch = launch(cases.get(i).toArray(String[]::new));
      assertThat(launch.referee()).isNull();
      assertThat(launch.exitStatus()).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .isEqualTo(problems.get(i) + System.lineSeparator() + RefereeMain.usage());
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void helpExitsZeroWithTheGeneratedUsage() {
    RefereeMain.Launch launch = launch("--help");
    assertThat(launch.referee()).isNull();
    assertThat(launch.exitStatus()).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help).isEqualTo(RefereeMain.usage());
    assertThat(help.lines().findFirst()).hasValue("Usage: toolguard-referee [-hV] [--host=ADDRESS] [--port=N] [--script=FILE]");
    assertThat(help).contains("generate-completion", "Exit codes:", "  1   the port cannot be bound");
  }

  @Test
  void versionPrintsTheProjectVersion() {
    RefereeMain.Launch launch = launch("--version");
    assertThat(launch.exitStatus()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).matches("toolguard-referee \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R");
  }

  @Test
  void generateCompletionPrintsABashScript() {
    RefereeMain.Launch launch = launch("generate-completion");
    assertThat(launch.referee()).isNull();
    assertThat(launch.exitStatus()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_toolguard-referee", "'--script'", "'--port'");
  }

  @Test
  void aScriptAnswersInOrderThenByTheLastUserTextWithToolCalls(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("script.json");
    Files.writeString(script, """
        {
          "replies": ["First."],
          "byLastUserText": {
            "Weather in Paris?": [
              {"toolCalls": [{"name": "get_weather", "arguments": {"city": "Paris"}, "id": "call_w"}]},
              {"text": "Sunny in Paris."}
            ]
          }
        }
        """);
    try (ProviderReferee referee = launch("--script", script.toString()).referee()) {
      assertThat(referee).isNotNull();
      assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
      String ask = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}";
      assertThat(Http.post(referee, Endpoint.CHAT_COMPLETIONS, ask).json().at("/choices/0/message/content").asText())
          .isEqualTo("First.");
      var call = Http.post(referee, Endpoint.CHAT_COMPLETIONS, ask).json().at("/choices/0/message/tool_calls/0");
      assertThat(call.at("/id").asText()).isEqualTo("call_w");
      assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
      assertThat(Http.json(call.at("/function/arguments").asText()).at("/city").asText()).isEqualTo("Paris");
      String result = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
          + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_w\",\"type\":\"function\","
          + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
          + "{\"role\":\"tool\",\"tool_call_id\":\"call_w\",\"content\":\"sunny\"}]}";
      assertThat(Http.post(referee, Endpoint.CHAT_COMPLETIONS, result).json().at("/choices/0/message/content").asText())
          .isEqualTo("Sunny in Paris.");
      // used up: the default reply
      assertThat(Http.post(referee, Endpoint.CHAT_COMPLETIONS, ask).json().at("/choices/0/message/content").asText())
          .isEqualTo("You said: Weather in Paris?");
      assertThat(referee.rejections()).isEmpty();
    }
  }

  @Test
  void aBadScriptIsOneLineNamingTheFileAndTheFieldThenTheUsageAndExitTwo(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("bad.json");
    Files.writeString(script, "{\"replies\": [{\"toolCalls\": [{\"name\": \"f\", \"arguments\": 5}]}]}");
    RefereeMain.Launch launch = launch("--script", script.toString());
    assertThat(launch.referee()).isNull();
    assertThat(launch.exitStatus()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("toolguard-referee: script " + script
        + ": replies[0].toolCalls[0].arguments is a number; write a JSON object (or a string holding one)"
        + System.lineSeparator() + RefereeMain.usage());
    err.reset();
    launch = launch("--script", dir.resolve("none.json").toString());
    assertThat(launch.exitStatus()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().findFirst())
        .hasValue("toolguard-referee: script " + dir.resolve("none.json") + ": no such file");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void standaloneProcessPrintsUrlServesAndDiesWhenKilled() throws Exception {
    Process p = java("--port", "0");
    try {
      BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String url = stdout.readLine();
      assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+");
      Http.Result r = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/v1/responses"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4.1\",\"input\":\"ping\"}"))
          .build());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().at("/output/0/content/0/text").asText()).isEqualTo("You said: ping");
    } finally {
      p.destroy();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void standaloneProcessExitsTwoOnABadFlag() throws Exception {
    Process p = java("--nope");
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(stderr).isEqualTo("toolguard-referee: Unknown option: '--nope'" + System.lineSeparator()
        + RefereeMain.usage());
  }

  private static Process java(String... args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
        RefereeMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
  }
}
