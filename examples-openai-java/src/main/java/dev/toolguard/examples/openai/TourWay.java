package dev.toolguard.examples.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import dev.toolguard.examples.openai.Row.Outcome;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The openai-java way of the examples tour:
 * {@code java -cp toolguard-examples-openai-java.jar dev.toolguard.examples.openai.TourWay
 * [--scenario NAME]... [--base-url URL --api-key KEY --model NAME]}.
 *
 * <p>For every scenario it prints two lines of the row protocol on standard output, and nothing
 * else: the bare {@code OpenAIOkHttpClient} sending the broken request (the provider's 400 as the SDK
 * reports it, a {@link BadRequestException}), then the guarded one (what was repaired, and the
 * answer). The requests go to a strict {@link ProviderReferee} started on loopback; with {@code
 * --base-url}, the guarded side goes to that provider instead and the bare rows are {@code N/A}.
 *
 * <p>Exit status: 0 when every row was printed, whatever the outcomes; 2 on bad arguments.
 */
public final class TourWay {


  private TourWay() {}

  /** Runs the tour's openai-java cells and exits. */
  public static void main(String[] args) {
    // the tour shows repairs in its rows; toolguard's own WARN lines would only repeat them
    if (System.getProperty("org.slf4j.simpleLogger.log.dev.toolguard") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.dev.toolguard", "off");
    }
    int status = run(args, System.out, System.err);
    System.out.flush();
    System.exit(status);
  }

  /**
   * Parses {@code args}, runs the cells and prints each row on {@code out} as it is done; errors and
   * usage go to {@code err}.
   *
   * @return the exit status: 0 when the rows were printed, 2 on bad arguments
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("openai-java tour: " + e.getMessage());
      err.print(Options.usage());
      return 2;
    }
    if (options.help) {
      err.print(Options.usage());
      return 0;
    }
    if (options.version) {
      out.println("openai-java " + Options.version());
      return 0;
    }
    if (options.completion) {
      out.print(picocli.AutoComplete.bash("openai-java", Options.commandLine(new Options.Command())));
      return 0;
    }
    tour(options, row -> {
      out.println(row.line());
      out.flush();
    });
    return 0;
  }

  /** Runs the cells of {@code args} and returns their rows (for the tests). */
  static List<Row> rows(String... args) {
    List<Row> rows = new ArrayList<>();
    tour(Options.parse(args), rows::add);
    return rows;
  }

  private static void tour(Options options, Consumer<Row> rows) {
    Path workDir = tempDir();
    ProviderReferee referee = options.baseUrl == null ? ProviderReferee.start() : null;
    try {
      String baseUrl = referee != null ? referee.openAiBaseUrl() : options.baseUrl;
      String apiKey = referee != null ? "test" : options.apiKey;
      String model = referee != null ? "gpt-tour" : options.model;
      Supplier<OpenAIClient> clients = () -> OpenAIOkHttpClient.builder()
          .baseUrl(baseUrl)
          .apiKey(apiKey)
          .maxRetries(referee != null ? 0 : 2)
          .build();
      OpenAIClient client = clients.get();
      try {
        Scenarios scenarios = new Scenarios(client, clients, model, referee, workDir);
        for (String name : Scenarios.NAMES) {
          if (!options.scenarios.contains(name)) {
            continue;
          }
          Scenarios.Scenario scenario = scenarios.get(name);
          rows.accept(bare(scenario, referee, baseUrl));
          rows.accept(guarded(scenario, referee));
        }
      } finally {
        client.close();
      }
    } finally {
      if (referee != null) {
        referee.close();
      }
      delete(workDir);
    }
  }

  /**
   * The bare cell: PASS when the provider's 400 comes back, as the SDK reports it; for {@code
   * two-instances}, when the approved call ran twice.
   */
  private static Row bare(Scenarios.Scenario scenario, @Nullable ProviderReferee referee, String baseUrl) {
    if (referee == null) {
      return row(scenario, "bare", Outcome.NOT_APPLICABLE,
          "bare runs against the in-process referee only (its strictness is the point); guarded runs against " + baseUrl);
    }
    referee.reset();
    if (scenario.bareRuns()) {
      try {
        return row(scenario, "bare", Outcome.PASS, scenario.bare().run());
      } catch (Exception e) {
        return row(scenario, "bare", Outcome.FAIL, "the bare side did not run pay twice, so the scenario proves nothing: "
            + describe(e));
      }
    }
    try {
      String answer = scenario.bare().run();
      return row(scenario, "bare", Outcome.FAIL, "not refused: the bare client got an answer: " + answer);
    } catch (BadRequestException e) {
      return row(scenario, "bare", Outcome.PASS, e.getMessage());
    } catch (Exception e) {
      return row(scenario, "bare", Outcome.FAIL, "expected the provider's 400, got " + describe(e));
    }
  }

  /** The guarded cell: PASS when it succeeds and the referee refused nothing. */
  private static Row guarded(Scenarios.Scenario scenario, @Nullable ProviderReferee referee) {
    if (referee != null) {
      referee.reset();
    }
    try {
      String detail = scenario.guarded().run();
      if (referee != null && !referee.rejections().isEmpty()) {
        RecordedRequest refused = referee.rejections().get(0);
        return row(scenario, "guarded", Outcome.FAIL, "the referee refused a guarded request: " + refused.errorMessage());
      }
      return row(scenario, "guarded", Outcome.PASS, detail);
    } catch (Exception e) {
      return row(scenario, "guarded", Outcome.FAIL, describe(e));
    }
  }

  private static Row row(Scenarios.Scenario scenario, String side, Outcome outcome, String detail) {
    return new Row(scenario.name(), Scenarios.WAY, side, outcome, detail);
  }

  private static String describe(Exception e) {
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    Throwable cause = e.getCause();
    return cause == null || cause == e ? text : text + " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("toolguard-tour-openai-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory for the tour", e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  /** The command line. */
  static final class Options {
    final Set<String> scenarios = new LinkedHashSet<>();
    @Nullable String baseUrl;
    String apiKey = "";
    String model = "";
    boolean help;

    boolean version;
    boolean completion;

    /** The options, as picocli reads them. */
    @picocli.CommandLine.Command(name = "openai-java", usageHelpAutoWidth = false, sortOptions = false,
        description = "The openai-java way of the tour: prints one ROW line per cell (bare, then guarded) on standard"
            + " output as each is done. Run by java -jar examples/target/toolguard-examples.jar.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the rows were printed", "2:bad arguments"})
    static final class Command {
      @picocli.CommandLine.Option(names = "--scenario", paramLabel = "NAME", completionCandidates = Names.class,
          description = "run this scenario (the option again for more): ${COMPLETION-CANDIDATES}")
      List<String> scenarios = new ArrayList<>();

      @picocli.CommandLine.Option(names = "--base-url", paramLabel = "URL",
          description = "run the guarded side against this OpenAI-compatible provider (with --model, and --api-key or"
              + " OPENAI_API_KEY)")
      @Nullable String baseUrl;

      @picocli.CommandLine.Option(names = "--api-key", paramLabel = "KEY", description = "the provider's key")
      @Nullable String apiKey;

      @picocli.CommandLine.Option(names = "--model", paramLabel = "NAME", description = "the provider's model")
      @Nullable String model;

      @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
      boolean help;

      @picocli.CommandLine.Option(names = {"-V", "--version"}, versionHelp = true,
          description = "Print version information and exit.")
      boolean version;
    }

    /** The scenario names. */
    static final class Names implements Iterable<String> {
      @Override
      public java.util.Iterator<String> iterator() {
        return Scenarios.NAMES.iterator();
      }
    }

    static picocli.CommandLine commandLine(Command command) {
      picocli.CommandLine cli = new picocli.CommandLine(command);
      cli.addSubcommand("generate-completion", new picocli.CommandLine(new picocli.AutoComplete.GenerateCompletion()));
      return cli;
    }

    /** The generated usage. */
    static String usage() {
      return commandLine(new Command()).getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
    }

    /** The project version, from a resource the build filters. */
    static String version() {
      return ExampleVersion.read();
    }

    static Options parse(String... args) {
      Options o = new Options();
      Command c = new Command();
      picocli.CommandLine.ParseResult parsed;
      try {
        parsed = commandLine(c).parseArgs(args);
      } catch (picocli.CommandLine.ParameterException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      o.help = c.help;
      o.version = c.version;
      o.completion = parsed.subcommand() != null;
      for (String value : c.scenarios) {
        if (!Scenarios.NAMES.contains(value)) {
          throw new IllegalArgumentException("unknown scenario '" + value + "'; one of "
              + String.join(", ", Scenarios.NAMES));
        }
        o.scenarios.add(value);
      }
      o.baseUrl = c.baseUrl;
      String apiKey = c.apiKey;
      String model = c.model;
      if (o.baseUrl == null && (apiKey != null || model != null)) {
        throw new IllegalArgumentException("--api-key and --model go with --base-url");
      }
      if (o.baseUrl != null) {
        if (model == null) {
          throw new IllegalArgumentException("--base-url needs --model NAME");
        }
        if (apiKey == null) {
          String env = System.getenv("OPENAI_API_KEY");
          if (env == null || env.isBlank()) {
            throw new IllegalArgumentException("--base-url needs --api-key KEY (or OPENAI_API_KEY in the environment)");
          }
          apiKey = env;
        }
        o.apiKey = apiKey;
        o.model = model;
      }
      if (o.scenarios.isEmpty()) {
        o.scenarios.addAll(Scenarios.NAMES);
      }
      return o;
    }
  }
}
