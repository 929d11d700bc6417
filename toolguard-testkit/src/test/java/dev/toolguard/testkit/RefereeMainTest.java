package dev.toolguard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
  void badFlagsExitTwoWithOneLine() {
    for (List<String> args : List.of(List.of("--bogus"), List.of("--port"), List.of("--port", "abc"), List.of("--port", "70000"))) {
      err.reset();
      RefereeMain.Launch launch = launch(args.toArray(String[]::new));
      assertThat(launch.referee()).isNull();
      assertThat(launch.exitStatus()).isEqualTo(2);
      String message = err.toString(StandardCharsets.UTF_8);
      assertThat(message.lines()).hasSize(1);
      assertThat(message).startsWith("toolguard-testkit: ").contains(RefereeMain.USAGE);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void helpExitsZero() {
    RefereeMain.Launch launch = launch("--help");
    assertThat(launch.referee()).isNull();
    assertThat(launch.exitStatus()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo(RefereeMain.USAGE);
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
    assertThat(stderr.lines()).hasSize(1);
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
