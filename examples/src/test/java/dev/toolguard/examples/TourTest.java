package dev.toolguard.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolguard.examples.Row.Outcome;
import dev.toolguard.examples.Row.Side;
import dev.toolguard.examples.TourOptions.Target;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner: arguments, merging rows into cells, the table, the exit code, ways that are not built. */
class TourTest {

  @TempDir
  Path root;

  /** What a run printed and returned. */
  record Run(int code, String out, String err) {
    /** The output with the continuation lines of --verbose details joined back to their line. */
    String unwrapped() {
      return out.replaceAll("\n {20,}", " ");
    }

    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  static Run run(Tour tour, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = tour.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A way that passes every cell, except {@code failing} scenario's guarded side; records what it was asked. */
  static final class Scripted implements WayRunner {
    final Way way;
    final @Nullable Scenario failing;
    final List<List<Scenario>> asked = new ArrayList<>();
    @Nullable Target target;

    Scripted(Way way, @Nullable Scenario failing) {
      this.way = way;
      this.failing = failing;
    }

    @Override
    public Result run(List<Scenario> scenarios, @Nullable Target target) {
      asked.add(scenarios);
      this.target = target;
      List<Row> rows = new ArrayList<>();
      for (Scenario s : scenarios) {
        if (s == Scenario.APPROVAL_NEW_PROCESS) {
          rows.add(Row.notApplicable(s, way.id(), Side.BARE, "cannot"));
          rows.add(Row.notApplicable(s, way.id(), Side.GUARDED, "cannot"));
          continue;
        }
        rows.add(Row.pass(s, way.id(), Side.BARE, "HTTP 400: broken " + s.id()));
        rows.add(s == failing
            ? Row.fail(s, way.id(), Side.GUARDED, "HTTP 400 again")
            : Row.pass(s, way.id(), Side.GUARDED, "MOVE call_1; answer: fine"));
      }
      return Result.of(rows);
    }
  }

  static Function<Way, WayRunner> scripted(Map<Way, Scripted> ways, @Nullable Scenario failing) {
    return way -> ways.computeIfAbsent(way, w -> new Scripted(w, failing));
  }

  @Test
  void everyCellPassedOrNotApplicableExitsZeroWithTheTableAndTheCount() {
    Map<Way, Scripted> ways = new ConcurrentHashMap<>();
    Run r = run(new Tour(scripted(ways, null)));

    assertThat(r.code()).isEqualTo(Tour.OK);
    assertThat(r.lastLine()).isEqualTo("tour: 120 passed, 0 failed");
    assertThat(r.out()).contains("scenario              langchain4j   spring-ai     openai-java   loop          cli")
        .contains("user-between          400 → ok      400 → ok      400 → ok      400 → ok      400 → ok")
        .contains("approval-new-process  n/a → n/a     n/a → n/a     n/a → n/a     n/a → n/a     n/a → n/a")
        .contains("two-instances         2×pay → ok    2×pay → ok    2×pay → ok    2×pay → ok    2×pay → ok")
        .contains("(400 = the provider's 400, as expected; 2×pay = the approved payment ran twice, as expected;\n"
            + "  lost = the approval could not be answered, as expected; wrong = a result bound to the wrong call, as"
            + " expected; ok =\n  succeeded; FAIL = not as expected; n/a = the way cannot show it)")
        .contains("user-between: a user message between a call and its result")
        .contains("  openai-java  bare     PASS  HTTP 400: broken user-between");
    assertThat(ways).containsOnlyKeys(Way.values());
    List<Scenario> allButHosted = new java.util.ArrayList<>(List.of(Scenario.values()));
    allButHosted.removeAll(List.of(Scenario.HOSTED_APPROVAL, Scenario.GEMINI_RESPONSE_TURN, Scenario.MISTRAL_CALL_ID,
        Scenario.BEDROCK_TOOL_RESULT, Scenario.OLLAMA_RESULT_ORDER));
    // hosted-approval and the provider rows are the loop's only: the other ways are not asked, their cells are N/A
    assertThat(ways.get(Way.CLI).asked).containsExactly(allButHosted);
    assertThat(ways.get(Way.LANGCHAIN4J).asked).containsExactly(allButHosted);
    assertThat(ways.get(Way.LOOP).asked).containsExactly(List.of(Scenario.values()));
    assertThat(r.out()).contains("hosted-approval       n/a → n/a     n/a → n/a     n/a → n/a     lost → ok     n/a → n/a")
        .contains("  spring-ai    guarded  N/A   toolguard-hosting serves toolguard's own loop: see the loop column")
        .contains("ollama-result-order   n/a → n/a     n/a → n/a     n/a → n/a     wrong → ok    n/a → n/a")
        .contains("  cli          bare     N/A   shown over toolguard-json's HTTP backends: see the loop column");
  }

  @Test
  void aScenarioOfOneWayIsNotAskedOfTheOthersWhoseCellsAreNotApplicable() {
    Map<Way, Scripted> ways = new ConcurrentHashMap<>();
    Run r = run(new Tour(scripted(ways, null)), "--scenario", "hosted-approval");

    assertThat(r.code()).isEqualTo(Tour.OK);
    assertThat(ways).containsOnlyKeys(Way.LOOP);
    assertThat(ways.get(Way.LOOP).asked).containsExactly(List.of(Scenario.HOSTED_APPROVAL));
    assertThat(r.out()).contains("hosted-approval  n/a → n/a    n/a → n/a    n/a → n/a    lost → ok    n/a → n/a");
    assertThat(r.out().replace("\n  ", " ")).contains("lost = the approval could not be answered, as expected");
    assertThat(r.lastLine()).isEqualTo("tour: 2 passed, 0 failed");
  }

  @Test
  void aPassingBareCellShowsWhatItsScenarioShowsAndTheLegendSaysItOnlyWhenItIsThere() {
    Run two = run(new Tour(scripted(new ConcurrentHashMap<>(), null)), "--only", "loop", "--scenario", "two-instances");
    Run one = run(new Tour(scripted(new ConcurrentHashMap<>(), null)), "--only", "loop", "--scenario", "user-between");

    assertThat(two.out()).contains("two-instances  2×pay → ok").contains("2×pay = the approved payment ran twice");
    assertThat(one.out()).contains("user-between  400 → ok").doesNotContain("2×pay")
        .contains("each cell: bare → guarded   (400 = the provider's 400, as expected; ok = succeeded;"
            + " FAIL = not as expected; n/a = the\n  way cannot show it)");
    assertThat(Tour.cell(List.of(Row.fail(Scenario.TWO_INSTANCES, "loop", Side.BARE, "ran once")), "two-instances"))
        .isEqualTo("FAIL → -");
  }

  @Test
  void aFailedGuardedCellExitsOne() {
    Run r = run(new Tour(scripted(new ConcurrentHashMap<>(), Scenario.LATE_RESULT)), "--only", "loop,cli");

    assertThat(r.code()).isEqualTo(Tour.FAILED);
    assertThat(r.lastLine()).isEqualTo("tour: 52 passed, 2 failed");
    assertThat(r.out()).contains("late-result           400 → FAIL    400 → FAIL")
        .contains("  loop  guarded  FAIL  HTTP 400 again");
  }

  @Test
  void aBareCellThatDidNotFailIsAFailure() {
    Function<Way, WayRunner> ways = way -> (scenarios, target) -> WayRunner.Result.of(List.of(
        Row.fail(Scenario.USER_BETWEEN, way.id(), Side.BARE, "the bare call did not fail, so the scenario proves nothing"),
        Row.pass(Scenario.USER_BETWEEN, way.id(), Side.GUARDED, "answer: ok")));

    Run r = run(new Tour(ways), "--only", "loop", "--scenario", "user-between");

    assertThat(r.code()).isEqualTo(Tour.FAILED);
    assertThat(r.out()).contains("user-between  FAIL → ok");
    assertThat(r.lastLine()).isEqualTo("tour: 1 passed, 1 failed");
  }

  @Test
  void filtersReachTheWaysAndOnlyTheAskedColumnsArePrinted() {
    Map<Way, Scripted> ways = new ConcurrentHashMap<>();
    Run r = run(new Tour(scripted(ways, null)), "--scenario", "early-result", "--only", "cli",
        "--base-url", "http://localhost:11434/v1", "--api-key", "x", "--model", "llama");

    assertThat(r.code()).isZero();
    assertThat(ways).containsOnlyKeys(Way.CLI);
    assertThat(ways.get(Way.CLI).asked).containsExactly(List.of(Scenario.EARLY_RESULT));
    assertThat(ways.get(Way.CLI).target).isEqualTo(new Target("http://localhost:11434/v1", "x", "llama"));
    assertThat(r.out()).contains("guarded side against http://localhost:11434/v1 (model llama)")
        .contains("scenario      cli").contains("early-result  400 → ok")
        .doesNotContain("langchain4j").doesNotContain("late-result");
    assertThat(r.lastLine()).isEqualTo("tour: 2 passed, 0 failed");
  }

  @Test
  void badArgumentsExitTwoWithTheUsage() {
    Run r = run(new Tour(root), "--only", "crewai");

    assertThat(r.code()).isEqualTo(Tour.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("tour: unknown way 'crewai'").contains(TourOptions.USAGE);
  }

  @Test
  void listPrintsTheScenariosAndTheWays() {
    Run r = run(new Tour(root), "--list");

    assertThat(r.code()).isZero();
    for (String name : Scenario.ids()) {
      assertThat(r.out()).contains("  " + name + " ");
    }
    assertThat(r.out()).contains("  loop ").contains("  cli ")
        .contains("  langchain4j            examples-langchain4j/target/toolguard-examples-langchain4j.jar")
        .contains("  spring-ai              examples-spring-ai/target/toolguard-examples-spring-ai.jar")
        .contains("  openai-java            examples-openai-java/target/toolguard-examples-openai-java.jar");
  }

  @Test
  void noLineIsWiderThan120ColumnsAndVerbosePrintsEachDetailWhole() {
    String longError = "NonTransientAiException: HTTP 400 - {\"error\":{\"message\":\"An assistant message with"
        + " 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following"
        + " tool_call_ids did not have response messages: call_0123456789\",\"type\":\"invalid_request_error\","
        + "\"param\":\"messages.[3].role\",\"code\":null}}";
    Function<Way, WayRunner> ways = way -> (scenarios, target) -> {
      List<Row> rows = new ArrayList<>();
      for (Scenario s : scenarios) {
        rows.add(Row.pass(s, way.id(), Side.BARE, longError));
        rows.add(Row.pass(s, way.id(), Side.GUARDED, "MOVE call_0123456789; answer: " + "fine ".repeat(40)));
      }
      return WayRunner.Result.of(rows);
    };
    Run plain = run(new Tour(ways));
    Run verbose = run(new Tour(ways), "--verbose");
    Run help = run(new Tour(ways), "--help");
    for (Run r : List.of(plain, verbose, help)) {
      assertThat(r.out().lines()).allSatisfy(line ->
          assertThat(line.codePointCount(0, line.length())).as(line).isLessThanOrEqualTo(Tour.WIDTH));
    }
    assertThat(plain.code()).isEqualTo(Tour.OK);
    // one line per detail: the provider's message, not its JSON, so that the call id is there
    assertThat(plain.out()).contains("  spring-ai    bare     PASS  NonTransientAiException: HTTP 400 - An assistant …")
        .contains("messages: call_0123456789\n");
    // --verbose: the whole error, JSON and all, wrapped under its column
    String joined = verbose.out().replaceAll("\n {30}", " ");
    assertThat(joined).contains("  spring-ai    bare     PASS  " + longError + "\n");
  }

  @Test
  void aWayWhoseJarIsNotBuiltFailsItsCellsWithOneExplanation() {
    Run r = run(new Tour(root), "--only", "spring-ai", "--scenario", "user-between");

    assertThat(r.code()).isEqualTo(Tour.FAILED);
    assertThat(r.out()).contains("user-between  FAIL → FAIL")
        .contains("spring-ai: examples-spring-ai/target/toolguard-examples-spring-ai.jar is not built; "
            + "build it with ./mvnw -B -q\n  -DskipTests package");
    assertThat(r.out().split("is not built", -1)).as("the explanation is printed once").hasSize(2);
    assertThat(r.lastLine()).isEqualTo("tour: 0 passed, 2 failed");
  }

  @Test
  void waysLeftOutByOnlyGiveNoRowsEvenWhenNotBuilt() {
    Map<Way, Scripted> ways = new ConcurrentHashMap<>();
    Function<Way, WayRunner> mixed = way -> way.inProcess() ? scripted(ways, null).apply(way) : Tour.defaultRunner(way, root);

    Run r = run(new Tour(mixed), "--only", "loop");

    assertThat(r.code()).isZero();
    assertThat(r.out()).doesNotContain("not built").doesNotContain("spring-ai");
    assertThat(r.lastLine()).isEqualTo("tour: 32 passed, 0 failed");
  }

  @Test
  void mergingFillsMissingCellsKeepsTheFirstRowAndLeavesOutOtherWays() {
    List<Row> rows = List.of(
        Row.pass(Scenario.USER_BETWEEN, "loop", Side.BARE, "400"),
        Row.pass(Scenario.USER_BETWEEN, "loop", Side.GUARDED, "first"),
        Row.fail(Scenario.USER_BETWEEN, "loop", Side.GUARDED, "second"),
        Row.pass(Scenario.USER_BETWEEN, "cli", Side.BARE, "not loop's"),
        Row.pass(Scenario.LATE_RESULT, "loop", Side.BARE, "not asked"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    List<Row> cells = Tour.merge(Way.LOOP, List.of(Scenario.USER_BETWEEN, Scenario.EARLY_RESULT),
        WayRunner.Result.of(rows), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(cells).extracting(Row::scenario, Row::side, Row::outcome, Row::detail).containsExactly(
        org.assertj.core.groups.Tuple.tuple("user-between", Side.BARE, Outcome.PASS, "400"),
        org.assertj.core.groups.Tuple.tuple("user-between", Side.GUARDED, Outcome.PASS, "first"),
        org.assertj.core.groups.Tuple.tuple("early-result", Side.BARE, Outcome.FAIL, "loop printed no row for this cell"),
        org.assertj.core.groups.Tuple.tuple("early-result", Side.GUARDED, Outcome.FAIL, "loop printed no row for this cell"));
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cli/user-between").contains("loop/late-result");
  }

  @Test
  void aSubprocessWayPrintsRowsThatAreMergedIntoTheTable() throws Exception {
    fakeJar(Way.LANGCHAIN4J);
    Tour tour = new Tour(way -> new SubprocessWay(way, root, Duration.ofSeconds(60), FakeWays.Ok.class.getName()));

    Run r = run(tour, "--only", "langchain4j", "--scenario", "evicted-call");

    assertThat(r.out()).contains("evicted-call  400 → FAIL")
        .contains("  langchain4j  guarded  FAIL  langchain4j printed no row for this cell");
    assertThat(r.err()).contains("spring-ai/user-between").as("another way's row is left out");
    assertThat(r.code()).isEqualTo(Tour.FAILED);
    assertThat(r.lastLine()).isEqualTo("tour: 1 passed, 1 failed");

    Run all = run(tour, "--only", "langchain4j");
    assertThat(all.out()).contains("late-result           400 → ok").as("the first row of a cell counts");
    assertThat(all.lastLine()).isEqualTo("tour: 23 passed, 1 failed");
  }

  @Test
  void aSubprocessWayThatCrashesFailsItsCellsWithItsLastError() throws Exception {
    fakeJar(Way.LANGCHAIN4J);
    Tour tour = new Tour(way -> new SubprocessWay(way, root, Duration.ofSeconds(60), FakeWays.Crash.class.getName()));

    Run r = run(tour, "--only", "langchain4j", "--scenario", "user-between");

    assertThat(r.out()).contains("user-between  400 → FAIL")
        .contains(String.join("\n", Tour.wrap("langchain4j: " + FakeWays.Crash.class.getName()
            + " exited with 1: Exception in thread \"main\" java.lang.IllegalStateException: boom", Tour.WIDTH))
            .replace("\n", "\n  "));
    assertThat(r.code()).isEqualTo(Tour.FAILED);
  }

  @Test
  @org.junit.jupiter.api.Timeout(120) // a guard against a hung build, not a measure: the way never ends by itself
  void aSubprocessWayThatHangsIsStopped() throws Exception {
    fakeJar(Way.OPENAI_JAVA);
    Tour tour = new Tour(way -> new SubprocessWay(way, root, Duration.ofSeconds(2), FakeWays.Hang.class.getName()));

    Run r = run(tour, "--only", "openai-java", "--scenario", "user-between");

    // the way hangs for ever: that the tour returned at all, saying why, shows it was stopped
    assertThat(r.out()).contains("openai-java: openai-java did not finish within 2 s and was stopped");
    assertThat(r.code()).isEqualTo(Tour.FAILED);
  }

  /** A jar at the way's place whose manifest puts this module's classes and test classes on the class path. */
  private void fakeJar(Way way) throws IOException, URISyntaxException {
    Path testClasses = Path.of(FakeWays.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path classes = Path.of(Row.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
        testClasses.toUri() + " " + classes.toUri());
    Path jar = root.resolve(way.jarPath());
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
      j.flush();
    }
  }
}
