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

  static final String USAGE = "usage: java -cp toolguard-examples-spring-ai.jar dev.toolguard.examples.springai.TourWay"
      + " [--scenario NAME] [--base-url URL --api-key KEY --model NAME]\n  scenarios: "
      + String.join(", ", SpringAiScenarios.NAMES);

  private TourWay() {}

  /** Runs the tour's Spring AI cells and prints their rows. */
  public static void main(String[] args) {
    TourLogging.quiet();
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("spring-ai tour: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.err.println(USAGE);
      System.exit(0);
      return;
    }
    for (Row row : run(options)) {
      out.println(row.line());
    }
    out.flush();
    System.exit(0); // the HTTP clients keep non-daemon threads
  }

  /** Runs the cells that {@code options} select and returns their rows, in scenario order. */
  public static List<Row> run(Options options) {
    List<Row> rows = new ArrayList<>();
    try (Env env = Env.open(options)) {
      for (SpringAiScenarios.Scenario s : SpringAiScenarios.all()) {
        if (options.scenario() == null || options.scenario().equals(s.name())) {
          rows.add(s.bare(env));
          rows.add(s.guarded(env));
        }
      }
    }
    return rows;
  }

  /** Spring AI's own OpenAI chat model on {@code baseUrl} (one that ends in {@code /v1}), with no retries. */
  static OpenAiChatModel openAi(String baseUrl, String apiKey, String model) {
    return OpenAiChatModel.builder()
        .options(OpenAiChatOptions.builder().baseUrl(baseUrl).apiKey(apiKey).model(model).maxRetries(0).build())
        .build();
  }

  /**
   * The command line.
   *
   * @param scenario the one scenario to run, or null for all
   * @param baseUrl a real OpenAI-compatible provider for the guarded side, or null for the referee
   * @param apiKey its key, or null
   * @param model its model, or null
   * @param help whether {@code --help} was given
   */
  public record Options(@Nullable String scenario, @Nullable String baseUrl, @Nullable String apiKey,
      @Nullable String model, boolean help) {

    /** Parses the arguments; a bad one is an {@link IllegalArgumentException} saying which. */
    public static Options parse(String... args) {
      String scenario = null;
      String baseUrl = null;
      String apiKey = null;
      String model = null;
      boolean help = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          help = true;
          continue;
        }
        if (!arg.equals("--scenario") && !arg.equals("--base-url") && !arg.equals("--api-key")
            && !arg.equals("--model")) {
          throw new IllegalArgumentException("unknown argument '" + arg + "'");
        }
        if (i + 1 >= args.length || args[i + 1].isBlank()) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        String value = args[++i];
        if (arg.equals("--scenario")) {
          if (!SpringAiScenarios.NAMES.contains(value)) {
            throw new IllegalArgumentException("unknown scenario '" + value + "'");
          }
          scenario = value;
        } else if (arg.equals("--base-url")) {
          baseUrl = value;
        } else if (arg.equals("--api-key")) {
          apiKey = value;
        } else {
          model = value;
        }
      }
      int given = (baseUrl == null ? 0 : 1) + (apiKey == null ? 0 : 1) + (model == null ? 0 : 1);
      if (given != 0 && given != 3) {
        throw new IllegalArgumentException("--base-url, --api-key and --model go together");
      }
      return new Options(scenario, baseUrl, apiKey, model, help);
    }

    /** Whether the guarded side runs against a real provider. */
    public boolean realProvider() {
      return baseUrl != null;
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
