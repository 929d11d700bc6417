package dev.toolguard.json.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Message;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone referee in its own process ({@code toolguard-referee --script FILE}, as the testkit
 * README shows it), driven over HTTP by an app of this process: the framework-free loop with a typed
 * tool, through a tool round trip that the script asks for.
 */
class ScriptedRefereeProcessTest {

  record Transfer(String to, int amount) {}

  @Test
  @Timeout(120)
  void anAppInAnotherProcessRunsAToolRoundTripThatTheScriptAsksFor(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("script.json");
    Files.writeString(script, """
        {
          "byLastUserText": {
            "Send Bob 40": [
              {"text": "Sending.", "toolCalls": [{"name": "transfer", "arguments": {"to": "Bob", "amount": 40}, "id": "call_t1"}]},
              "Sent 40 to Bob."
            ]
          }
        }
        """);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process referee = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), "dev.toolguard.testkit.RefereeMain",
        "--host", "127.0.0.1", "--script", script.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String baseUrl = new BufferedReader(new InputStreamReader(referee.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(baseUrl).matches("http://127\\.0\\.0\\.1:\\d+");

      List<Transfer> transfers = new CopyOnWriteArrayList<>();
      FunctionInvokingLoop loop = FunctionInvokingLoop.builder(HttpChatBackend.openAiChat(HttpBackendConfig.builder()
              .baseUrl(baseUrl + "/v1").apiKey("test").model("gpt-4o-mini").build()))
          .tools(TypedTools.action("transfer", "Sends money", Transfer.class, transfers::add))
          .build();
      LoopResult result = loop.run(List.of(Message.user("Send Bob 40")));

      assertThat(transfers).containsExactly(new Transfer("Bob", 40));
      assertThat(result.text()).isEqualTo("Sent 40 to Bob.");
      assertThat(result.history()).hasSize(4);
      assertThat(result.history().get(1).toolCalls()).singleElement()
          .satisfies(c -> assertThat(c.callId()).isEqualTo("call_t1"));
      assertThat(result.history().get(2).toolResults()).singleElement()
          .satisfies(r -> assertThat(r.output()).isEqualTo("Tool 'transfer' ran successfully."));
    } finally {
      referee.destroy();
      assertThat(referee.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }
}
