package dev.toolguard.examples.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example app, and toolguard-hosting's README walkthrough run as written against it: every body
 * of the README is one the server takes, and the answers are the ones the README shows.
 */
class HostedAgentTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One request of the walkthrough: its method, path, body (or null), and where its answer goes. */
  record Step(String method, String path, String body, String teeFile) {}

  /** The curl commands and jq assignments of the README's walkthrough block, in order. */
  static List<Object> walkthrough() throws Exception {
    String readme = Files.readString(Path.of("..", "toolguard-hosting", "README.md"));
    int a = readme.indexOf("<!-- walkthrough -->");
    int b = readme.indexOf("<!-- /walkthrough -->");
    assertThat(a).isNotNegative();
    assertThat(b).isGreaterThan(a);
    List<String> lines = readme.substring(a, b).lines().toList();
    List<Object> steps = new ArrayList<>();
    Pattern curl = Pattern.compile("^curl -s localhost:8080(/v1/responses\\S*)(.*)$");
    Pattern inline = Pattern.compile("-d '([^']*)'");
    Pattern tee = Pattern.compile("\\| tee (\\S+)");
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher c = curl.matcher(line);
      if (c.matches()) {
        String rest = c.group(2);
        Matcher t = tee.matcher(rest);
        String teeFile = t.find() ? t.group(1) : "";
        Matcher d = inline.matcher(rest);
        if (d.find()) {
          steps.add(new Step("POST", c.group(1), d.group(1), teeFile));
        } else if (rest.contains("-d @- <<EOF")) {
          StringBuilder body = new StringBuilder();
          for (i++; !lines.get(i).equals("EOF"); i++) {
            body.append(lines.get(i)).append('\n');
          }
          steps.add(new Step("POST", c.group(1), body.toString(), teeFile));
        } else {
          steps.add(new Step("GET", c.group(1), null, teeFile));
        }
      } else if (line.matches("^[A-Z]+=\\$\\(jq .*")) {
        steps.add(line);
      }
    }
    return steps;
  }

  @Test
  void theReadmeWalkthroughRunsAsWritten() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (HostedAgent.Running agent = HostedAgent.start(Map.of(), new PrintStream(printed, true, StandardCharsets.UTF_8),
        "--demo-model", "--port", "0")) {
      assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("hosted-agent: serving http://127.0.0.1:")
          .contains("/v1/responses (model: demo, state: memory)");
      String origin = agent.server().baseUrl().substring(0, agent.server().baseUrl().length() - "/v1".length());
      Map<String, String> vars = new HashMap<>();
      Map<String, JsonNode> files = new HashMap<>();
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (Object step : walkthrough()) {
        if (step instanceof String assignment) {
          // NAME=$(jq -r PATH FILE), possibly two on a line
          Matcher m = Pattern.compile("([A-Z]+)=\\$\\(jq -r '?([^' ]+)'? (\\S+)\\)").matcher(assignment);
          while (m.find()) {
            String pointer = m.group(2).replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
            vars.put(m.group(1), files.get(m.group(3)).at(pointer).asText());
          }
          continue;
        }
        Step s = (Step) step;
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(origin + expand(s.path(), vars)));
        if (s.body() != null) {
          r.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(expand(s.body(), vars)));
        }
        HttpResponse<String> answer = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        answers.add(answer);
        if (!s.teeFile().isEmpty()) {
          files.put(s.teeFile(), JSON.readTree(answer.body()));
        }
      }

      assertThat(answers).hasSize(5);
      JsonNode asked = JSON.readTree(answers.get(0).body());
      assertThat(answers.get(0).statusCode()).isEqualTo(200);
      assertThat(asked.at("/output/0/type").asText()).isEqualTo("mcp_approval_request");
      assertThat(asked.at("/output/0/name").asText()).isEqualTo("refund");
      assertThat(asked.at("/output/0/arguments").asText()).isEqualTo("{\"order\":\"A1\"}");
      assertThat(asked.at("/output/0/id").asText()).startsWith("mcpr_eyJ");

      JsonNode done = JSON.readTree(answers.get(1).body());
      assertThat(answers.get(1).statusCode()).isEqualTo(200);
      assertThat(done.at("/output/0/type").asText()).isEqualTo("mcp_call");
      assertThat(done.at("/output/0/output").asText()).isEqualTo("{\"refunded\":\"A1\"}");
      assertThat(done.at("/output/1/content/0/text").asText()).isEqualTo("Order A1 is refunded.");

      assertThat(answers.get(2).statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(answers.get(2).body()).at("/error/code").asText()).isEqualTo("approval_already_used");
      assertThat(answers.get(3).statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(answers.get(3).body()).at("/error/code").asText())
          .isEqualTo("invalid_approval_request_id");
      assertThat(answers.get(4).statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(answers.get(4).body())).isEqualTo(done);
    }
  }

  @Test
  void badArgumentsExitTwo() {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> HostedAgent.start(Map.of(), quiet, "--port", "0"))
        .hasMessage("hosted-agent exited with 2");
    assertThatThrownBy(() -> HostedAgent.start(Map.of("OPENAI_API_KEY", "k"), quiet, "--port", "0",
        "--base-url", "http://127.0.0.1:9/v1"))
        .hasMessage("hosted-agent exited with 2");
    assertThatThrownBy(() -> HostedAgent.start(Map.of("TOOLGUARD_HOSTING_SECRET", "short"), quiet, "--port", "0",
        "--demo-model"))
        .hasMessage("hosted-agent exited with 2");
  }

  static String expand(String text, Map<String, String> vars) {
    String out = text;
    for (Map.Entry<String, String> v : vars.entrySet()) {
      out = out.replace("$" + v.getKey(), v.getValue());
    }
    assertThat(out).as("every variable of the README is set before it is used").doesNotContain("$");
    return out;
  }
}
