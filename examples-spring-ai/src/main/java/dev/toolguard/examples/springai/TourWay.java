package dev.toolguard.examples.springai;

import dev.toolguard.testkit.ProviderReferee;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * The Spring AI way of the examples tour. Every scenario runs through Spring AI's {@code ChatClient}
 * over its own {@code OpenAiChatModel} (on openai-java): first bare — Spring AI as it is, which gets
 * the provider's 400 — then guarded by toolguard (the advisor, the repair advisor or the guarded chat
 * memory), which succeeds and says what it repaired. The provider is the testkit's strict referee,
 * started in-process on loopback; no network, no keys.
 *
 * <pre>
 * java -cp examples-spring-ai/target/toolguard-examples-spring-ai.jar dev.toolguard.examples.springai.TourWay \
 *     [--scenario NAME] [--base-url URL --api-key KEY --model NAME]
 * </pre>
 *
 * <p>Prints one line per cell on stdout, {@code ROW<TAB>scenario<TAB>spring-ai<TAB>bare|guarded<TAB>
 * PASS|FAIL|N/A<TAB>detail}, and nothing else there; logs go to stderr. Exits 0 when it printed its
 * rows, 2 on bad arguments. With {@code --base-url/--api-key/--model} the guarded side runs against
 * that OpenAI-compatible provider and the bare side prints N/A.
 */
public final class TourWay {

  private TourWay() {}

  /** Runs the tour's Spring AI cells and prints their rows. */
  public static void main(String[] args) {
    TourLogging.quiet();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.exit(run(args, out, System.err)); // the HTTP clients keep non-daemon threads
  }

  /**
   * Parses {@code args}, runs the cells and prints each row on {@code out} as soon as it is made; errors,
   * usage and version go to {@code err} and {@code out} as picocli's commands do.
   *
   * @return 0 when the rows were printed (or after --help, --version, generate-completion), 2 on bad arguments
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("spring-ai tour: " + e.getMessage());
      err.print(Options.usage());
      return 2;
    }
    if (options.help()) {
      err.print(Options.usage());
      return 0;
    }
    if (options.version()) {
      out.println("spring-ai " + Options.Version.version());
      return 0;
    }
    if (options.completion()) {
      out.print(picocli.AutoComplete.bash("spring-ai", Options.commandLine(new Options.Command())));
      return 0;
    }
    run(options, row -> {
      out.println(row.line());
      out.flush();
    });
    return 0;
  }

  /** Runs the cells that {@code options} select and returns their rows, in scenario order. */
  public static List<Row> run(Options options) {
    List<Row> rows = new ArrayList<>();
    run(options, rows::add);
    return rows;
  }

  /** Runs the cells that {@code options} select, handing each row to {@code onRow} as soon as it is made. */
  static void run(Options options, java.util.function.Consumer<Row> onRow) {
    try (Env env = Env.open(options)) {
      for (SpringAiScenarios.Scenario s : SpringAiScenarios.all()) {
        if (options.scenario() == null || options.scenario().equals(s.name())) {
          onRow.accept(s.bare(env));
          onRow.accept(s.guarded(env));
        }
      }
    }
  }

  /** Spring AI's own OpenAI chat model on {@code baseUrl} (one that ends in {@code /v1}), with no retries. */
  static OpenAiChatModel openAi(String baseUrl, String apiKey, String model) {
    return OpenAiChatModel.builder()
        .options(OpenAiChatOptions.builder().baseUrl(baseUrl).apiKey(apiKey).model(model).maxRetries(0).build())
        .build();
  }

  /**
   * The command line (picocli).
   *
   * @param scenario the one scenario to run, or null for all
   * @param baseUrl a real OpenAI-compatible provider for the guarded side, or null for the referee
   * @param apiKey its key, or null
   * @param model its model, or null
   * @param help whether {@code --help} was given
   * @param version whether {@code --version} was given
   * @param completion whether {@code generate-completion} was given
   */
  public record Options(@Nullable String scenario, @Nullable String baseUrl, @Nullable String apiKey,
      @Nullable String model, boolean help, boolean version, boolean completion) {

    /** The options, as picocli reads them. */
    @picocli.CommandLine.Command(name = "spring-ai", usageHelpAutoWidth = false, sortOptions = false,
        description = "The Spring AI way of the tour: prints one ROW line per cell (bare, then guarded) on standard"
            + " output as each is done. Run by java -jar examples/target/toolguard-examples.jar.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:the rows were printed", "2:bad arguments"})
    static final class Command {
      @picocli.CommandLine.Option(names = "--scenario", paramLabel = "NAME", completionCandidates = Names.class,
          description = "run one scenario: ${COMPLETION-CANDIDATES}")
      @Nullable String scenario;

      @picocli.CommandLine.Option(names = "--base-url", paramLabel = "URL",
          description = "run the guarded side against this OpenAI-compatible provider (with --api-key and --model)")
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
        return SpringAiScenarios.NAMES.iterator();
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

    /** Parses the arguments; a bad one is an {@link IllegalArgumentException} saying which. */
    public static Options parse(String... args) {
      Command c = new Command();
      picocli.CommandLine.ParseResult parsed;
      try {
        parsed = commandLine(c).parseArgs(args);
      } catch (picocli.CommandLine.ParameterException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      if (c.scenario != null && !SpringAiScenarios.NAMES.contains(c.scenario)) {
        throw new IllegalArgumentException("unknown scenario '" + c.scenario + "'; use one of "
            + String.join(", ", SpringAiScenarios.NAMES));
      }
      int given = (c.baseUrl == null ? 0 : 1) + (c.apiKey == null ? 0 : 1) + (c.model == null ? 0 : 1);
      if (given != 0 && given != 3) {
        throw new IllegalArgumentException("--base-url, --api-key and --model go together");
      }
      return new Options(c.scenario, c.baseUrl, c.apiKey, c.model, c.help, c.version, parsed.subcommand() != null);
    }

    /** Whether the guarded side runs against a real provider. */
    public boolean realProvider() {
      return baseUrl != null;
    }

    /** {@code --version}: the project version, from a resource the build filters. */
    static final class Version {
      private Version() {}

      static String version() {
        try (java.io.InputStream in = TourWay.class.getResourceAsStream("version.properties")) {
          if (in == null) {
            return "unknown";
          }
          java.util.Properties p = new java.util.Properties();
          p.load(in);
          return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
          return "unknown";
        }
      }
    }
  }

  /** Where the cells run: the referee (bare and guarded), or a real provider (guarded only). */
  static final class Env implements AutoCloseable {
    final @Nullable ProviderReferee referee;
    final String baseUrl;
    final String apiKey;
    final String model;
    final OpenAiChatModel chatModel;

    Env(@Nullable ProviderReferee referee, String baseUrl, String apiKey, String model) {
      this.referee = referee;
      this.baseUrl = baseUrl;
      this.apiKey = apiKey;
      this.model = model;
      this.chatModel = openAi(baseUrl, apiKey, model);
    }

    static Env open(Options options) {
      if (options.realProvider()) {
        return new Env(null, options.baseUrl(), options.apiKey(), options.model());
      }
      ProviderReferee referee = ProviderReferee.start();
      return new Env(referee, referee.openAiBaseUrl(), "test", "gpt-4o-mini");
    }

    boolean real() {
      return referee == null;
    }

    @Override
    public void close() {
      if (referee != null) {
        referee.close();
      }
    }
  }
}
