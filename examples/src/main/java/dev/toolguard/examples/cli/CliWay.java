package dev.toolguard.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.examples.Row;
import dev.toolguard.examples.Scenario;
import dev.toolguard.examples.TourOptions.Target;
import dev.toolguard.examples.Way;
import dev.toolguard.examples.WayRunner;
import dev.toolguard.examples.Cells;
import dev.toolguard.examples.internal.Histories;
import dev.toolguard.examples.internal.Http;
import dev.toolguard.json.WireCodec;
import dev.toolguard.json.WireRequest;
import dev.toolguard.json.cli.Main;
import dev.toolguard.testkit.ProviderReferee;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The way {@code cli}: {@code toolguard repair --dialect D -} ({@link Main#run}) on the request body of
 * each scenario. Bare, the broken body is POSTed as it is and gets the provider's 400; guarded, the
 * body that {@code repair} printed is POSTed and gets a 200. The command line repairs bodies; it has
 * no approvals, so the approval scenarios are N/A.
 */
public final class CliWay implements WayRunner {

  static final String MODEL = "gpt-4o-mini";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final String way = Way.CLI.id();

  @Override
  public Result run(List<Scenario> scenarios, @Nullable Target target) {
    return run(scenarios, target, row -> { });
  }

  @Override
  public Result run(List<Scenario> scenarios, @Nullable Target target, Consumer<Row> onRow) {
    try (ProviderReferee referee = ProviderReferee.start()) {
      Cells cells = new Cells(referee, way, target);
      return Result.of(cells.each(scenarios, s -> rows(s, referee, cells, target), onRow));
    }
  }

  private List<Row> rows(Scenario s, ProviderReferee referee, Cells cells, @Nullable Target target)
      throws IOException {
    if (s == Scenario.APPROVAL_AFTER_JSON || s == Scenario.APPROVAL_NEW_PROCESS) {
      return cells.notApplicable(s, "the command line repairs request bodies; it has no approvals");
    }
    if (s == Scenario.TWO_INSTANCES) {
      return cells.notApplicable(s, "the command line repairs request bodies; it runs no tools");
    }
    Dialect dialect;
    String body;
    if (s == Scenario.REPLAYED_MCP_OUTPUT) {
      dialect = Dialect.OPENAI_RESPONSES;
      body = Histories.replayedMcpOutputBody(target == null ? referee : null, MODEL).toString();
    } else {
      List<Message> history = Histories.chat(s);
      if (history == null) {
        return cells.notApplicable(s, "no body for this scenario");
      }
      dialect = Dialect.OPENAI_CHAT;
      ObjectNode envelope = Http.JSON.createObjectNode().put("model", MODEL);
      envelope.putArray("messages");
      ArrayNode tools = envelope.putArray("tools");
      for (ToolSpec spec : List.of(Histories.WEATHER, Histories.TIME)) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", spec.name()).put("description", spec.description());
        fn.set("parameters", Http.JSON.readTree(spec.parametersSchema()));
      }
      body = WireCodec.openAiChat().write(new WireRequest(dialect, history, envelope));
    }
    String path = dialect == Dialect.OPENAI_CHAT ? "/chat/completions" : "/responses";
    String prefix = dialect == Dialect.OPENAI_RESPONSES ? "Responses API: " : "";
    Row bare = cells.bare(s, () -> {
      Http.Answer answer = Http.post(referee.openAiBaseUrl() + path, body, "test", TIMEOUT);
      if (!answer.ok()) {
        throw new IllegalStateException("HTTP " + answer.status() + ": " + answer.errorMessage());
      }
      return "HTTP " + answer.status();
    });
    Row guarded = cells.guarded(s, () -> {
      Repaired repaired = repair(dialect, body);
      String sent = repaired.body();
      String url = referee.openAiBaseUrl() + path;
      String key = "test";
      if (target != null) {
        ObjectNode json = (ObjectNode) Http.JSON.readTree(sent);
        json.put("model", target.model());
        sent = json.toString();
        url = target.baseUrl() + path;
        key = target.apiKey();
      }
      Http.Answer answer = Http.post(url, sent, key, TIMEOUT);
      if (!answer.ok()) {
        throw new IllegalStateException("the repaired body got HTTP " + answer.status() + ": " + answer.errorMessage());
      }
      return prefix + "toolguard repair: " + repaired.report() + "; HTTP " + answer.status() + ", answer: "
          + answerText(answer.json());
    });
    return List.of(bare, guarded);
  }

  /**
   * What {@code toolguard repair} printed.
   *
   * @param body the repaired body (standard output)
   * @param report the report, shortened to kind and call id per action ({@code MOVE call_1; DROP mcp_1})
   */
  record Repaired(String body, String report) {}

  /** Runs {@code toolguard repair --dialect D -} on {@code body}, as the command line does. */
  static Repaired repair(Dialect dialect, String body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(new String[] {"repair", "--dialect", dialect.id(), "-"},
          new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), o, e);
    }
    String report = err.toString(StandardCharsets.UTF_8);
    if (code != Main.OK) {
      throw new IllegalStateException("toolguard repair exited with " + code + ": " + report.strip());
    }
    List<String> actions = new ArrayList<>();
    for (String line : report.split("\n")) {
      String[] words = line.strip().split(" ");
      if (words.length >= 2) {
        actions.add(words[0] + " " + words[1]);
      }
    }
    return new Repaired(out.toString(StandardCharsets.UTF_8), actions.isEmpty() ? "nothing to change" : String.join("; ", actions));
  }

  private static String answerText(@Nullable JsonNode json) {
    if (json == null) {
      return "(not JSON)";
    }
    JsonNode content = json.path("choices").path(0).path("message").path("content");
    if (content.isTextual()) {
      return content.asText();
    }
    for (JsonNode item : json.path("output")) {
      for (JsonNode part : item.path("content")) {
        if (part.path("text").isTextual()) {
          return part.path("text").asText();
        }
      }
    }
    return "(no text)";
  }
}
