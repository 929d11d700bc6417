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

  static final String USAGE = "usage: java -cp toolguard-examples-openai-java.jar " + TourWay.class.getName()
      + " [--scenario NAME]... [--base-url URL --api-key KEY --model NAME]";

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
      err.println(USAGE);
      return 2;
    }
    if (options.help) {
      err.println(USAGE);
      err.println("scenarios: " + String.join(", ", Scenarios.NAMES));
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

    static Options parse(String... args) {
      Options o = new Options();
      String apiKey = null;
      String model = null;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        String value = null;
        int eq = flag.indexOf('=');
        if (flag.startsWith("--") && eq > 0) {
          value = flag.substring(eq + 1);
          flag = flag.substring(0, eq);
        }
        switch (flag) {
          case "--help":
          case "-h":
            o.help = true;
            break;
          case "--scenario":
          case "--base-url":
          case "--api-key":
          case "--model":
            if (value == null) {
              if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
              }
              value = args[++i];
            }
            if (value.isBlank()) {
              throw new IllegalArgumentException(flag + " needs a value, got an empty one");
            }
            if (flag.equals("--scenario")) {
              if (!Scenarios.NAMES.contains(value)) {
                throw new IllegalArgumentException("unknown scenario '" + value + "'; one of "
                    + String.join(", ", Scenarios.NAMES));
              }
              o.scenarios.add(value);
            } else if (flag.equals("--base-url")) {
              o.baseUrl = value;
            } else if (flag.equals("--api-key")) {
              apiKey = value;
            } else {
              model = value;
            }
            break;
          default:
            throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
        }
      }
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
