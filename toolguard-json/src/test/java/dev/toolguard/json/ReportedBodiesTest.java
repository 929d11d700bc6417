package dev.toolguard.json;

import static dev.toolguard.json.Survival.assertCompletePairsKept;
import static dev.toolguard.json.Survival.count;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.core.Dialect;
import dev.toolguard.core.Message;
import dev.toolguard.core.RepairAction;
import dev.toolguard.json.internal.Json;
import dev.toolguard.testkit.RefereeExtension;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The done criterion of provider fidelity, judged on request bodies reconstructed from public bug
 * reports (the folder {@code reported-bodies}; its README names the report of each): every body the
 * provider rejects is flagged by check, with the provider's very words among check's, and is repaired
 * into one the provider accepts with nothing said lost; every body it accepts passes check and comes
 * back from repair as the very text that came in.
 *
 * <p>A file is named {@code <dialect>--<report>.<verdict>.json}; the verdict is what the provider
 * answered in the report (or in its documentation, for the accepted ones), and the referee must
 * answer the same; a sidecar {@code <name>.error.txt} holds the provider's message for the body, in
 * the words of the report (with the body's ids and indexes), which the referee must answer word for
 * word.
 */
class ReportedBodiesTest {

  @RegisterExtension
  static final RefereeExtension REFEREE = RefereeExtension.shared();
  private static final WireGuard GUARD = WireGuard.ofDefaults();

  @TestFactory
  Stream<DynamicTest> everyReportedBodyMeetsTheCriterion() throws IOException, URISyntaxException {
    Path folder = Path.of(ReportedBodiesTest.class.getResource("/reported-bodies").toURI());
    List<Path> files;
    try (Stream<Path> listed = Files.list(folder)) {
      files = listed.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("the corpus").hasSizeGreaterThanOrEqualTo(15);
    String readme = Files.readString(folder.resolve("README.md"), StandardCharsets.UTF_8);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      String name = file.getFileName().toString();
      assertThat(readme).as("the README names the source of %s", name).contains(name);
      Dialect dialect = Dialect.fromId(name.substring(0, name.indexOf("--")));
      boolean rejected = name.endsWith(".rejected.json");
      assertThat(rejected || name.endsWith(".accepted.json")).as("%s says its verdict", name).isTrue();
      Path error = file.resolveSibling(name.substring(0, name.length() - ".json".length()) + ".error.txt");
      String reported = Files.exists(error) ? Files.readString(error, StandardCharsets.UTF_8).strip() : null;
      judge(dialect, name, Files.readString(file, StandardCharsets.UTF_8), rejected, reported);
    }));
  }

  private static void judge(Dialect dialect, String name, String body, boolean reportedRejected,
      @org.jspecify.annotations.Nullable String reportedError) {
    RefereeVerdicts.Verdict verdict = post(dialect, body);
    assertThat(verdict.status() != 200).as("the referee answers %s as the provider did: %s", name, verdict.body())
        .isEqualTo(reportedRejected);
    List<WireViolation> flagged = GUARD.check(dialect, body);
    WireRepair repair = GUARD.repair(dialect, body);
    if (!reportedRejected) {
      assertThat(flagged).as("check of the accepted %s", name).isEmpty();
      assertThat(repair.changed()).as("repair of the accepted %s: %s", name, repair.actions()).isFalse();
      assertThat(repair.body()).as(name).isSameAs(body);
      return;
    }
    String message = Json.parse(verdict.body()).path("error").path("message").asText();
    if (reportedError != null) {
      assertThat(message).as("the referee answers %s in the provider's words of the report", name)
          .isEqualTo(reportedError);
    }
    assertThat(flagged).as("check flags the rejected %s", name).isNotEmpty();
    assertThat(flagged).as("the provider's words for %s are among check's", name)
        .extracting(WireViolation::providerError).contains(message);
    assertThat(repair.changed()).as(name).isTrue();
    RefereeVerdicts.Verdict after = post(dialect, repair.body());
    assertThat(after.status()).as("the referee accepts the repaired %s: %s%n%s", name, repair.body(), after.body())
        .isEqualTo(200);
    assertThat(GUARD.check(dialect, repair.body())).as("the repaired %s passes check", name).isEmpty();
    assertThat(GUARD.repair(dialect, repair.body()).changed()).as("repairing %s again", name).isFalse();
    List<Message> in = WireCodec.of(dialect).read(body).history();
    List<Message> sent = WireCodec.of(dialect).read(repair.body()).history();
    assertThat(Survival.saidBesidesCutNote(sent, repair, name)).as("everything said in %s, in order", name)
        .isEqualTo(Survival.saidToKeep(in, repair));
    long droppedReasoning = repair.actions().stream()
        .filter(a -> a.kind() == RepairAction.Kind.DROP && a.detail().startsWith("removed reasoning item")).count();
    assertThat(count(sent, "reasoning")).as("reasoning items of %s: each one gone is reported", name)
        .isEqualTo(count(in, "reasoning") - droppedReasoning);
    assertThat(Survival.thinking(sent)).as("thinking blocks of %s", name)
        .isEqualTo(Survival.thinking(in) - Survival.droppedThinking(repair));
    assertCompletePairsKept(in, repair.request().history(), name, dialect == Dialect.OPENAI_RESPONSES);
  }

  private static RefereeVerdicts.Verdict post(Dialect dialect, String body) {
    return RefereeVerdicts.judge(REFEREE.get(), dialect, body);
  }

}
