package dev.toolguard.examples;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The tour's command line, parsed.
 *
 * <pre>
 * java -jar toolguard-examples.jar [--scenario NAME] [--only WAY[,WAY…]] [--list]
 *                                  [--base-url URL --api-key KEY --model NAME]
 * </pre>
 *
 * @param scenario the one scenario to run, or null for all
 * @param ways the ways to run, in column order (all unless {@code --only})
 * @param list true to print the scenario and way names and stop
 * @param help true to print the usage and stop
 * @param target a real OpenAI-compatible provider for the guarded side, or null for the referee
 */
public record TourOptions(
    @Nullable Scenario scenario, List<Way> ways, boolean list, boolean help, @Nullable Target target) {

  /** The usage text. */
  public static final String USAGE = String.join("\n",
      "usage: java -jar examples/target/toolguard-examples.jar [options]",
      "",
      "Runs every failure class of the design, for each way into toolguard: first the bare",
      "framework call (it must get the provider's 400), then the guarded one (it must succeed),",
      "against the testkit referee started on loopback. No network, no keys.",
      "",
      "  --scenario NAME     run one scenario (see --list)",
      "  --only WAY[,WAY]    run only these ways: " + String.join(", ", Way.ids()),
      "  --list              print the scenarios and the ways, and stop",
      "  --base-url URL      run the guarded side against a real OpenAI-compatible provider",
      "  --api-key KEY         (all three together; base URL up to /v1, e.g. https://api.openai.com/v1);",
      "  --model NAME          bare cells are then N/A",
      "  --help              print this text",
      "",
      "Exit 0 when every cell passed, 1 when one failed, 2 on bad arguments.",
      "");

  /** Copies the list of ways. */
  public TourOptions {
    ways = List.copyOf(ways);
  }

  /**
   * A real provider to run the guarded side against.
   *
   * @param baseUrl the OpenAI-compatible base URL, up to and including {@code /v1}, no trailing slash
   * @param apiKey the key
   * @param model the model name
   */
  public record Target(String baseUrl, String apiKey, String model) {

    /** Never shows the key. */
    @Override
    public String toString() {
      return "Target[" + baseUrl + ", model " + model + "]";
    }

    /** The arguments that pass this target on to a way: {@code --base-url U --api-key K --model M}. */
    public List<String> arguments() {
      return List.of("--base-url", baseUrl, "--api-key", apiKey, "--model", model);
    }
  }

  /** Bad arguments: the message says what is wrong. */
  public static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The scenarios to run, in order. */
  public List<Scenario> scenarios() {
    return scenario == null ? List.of(Scenario.values()) : List.of(scenario);
  }

  /**
   * Parses the command line.
   *
   * @throws UsageException naming the bad argument and what to give instead
   */
  public static TourOptions parse(String... args) {
    Scenario scenario = null;
    Set<Way> only = EnumSet.noneOf(Way.class);
    boolean list = false;
    boolean help = false;
    String baseUrl = null;
    String apiKey = null;
    String model = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> help = true;
        case "--list" -> list = true;
        case "--scenario" -> {
          if (value == null) {
            value = next(args, ++i, name, "a scenario name (see --list)");
          }
          if (scenario != null) {
            throw new UsageException("--scenario given twice; give one scenario, or none for all");
          }
          scenario = Scenario.find(value);
          if (scenario == null) {
            throw new UsageException("unknown scenario '" + value + "'; use one of " + String.join(", ", Scenario.ids()));
          }
        }
        case "--only" -> {
          if (value == null) {
            value = next(args, ++i, name, "a way: " + String.join(", ", Way.ids()));
          }
          for (String id : value.split(",")) {
            Way way = Way.find(id.strip());
            if (way == null) {
              throw new UsageException("unknown way '" + id.strip() + "'; use one of " + String.join(", ", Way.ids()));
            }
            only.add(way);
          }
        }
        case "--base-url" -> baseUrl = value != null ? value : next(args, ++i, name, "a base URL such as https://api.openai.com/v1");
        case "--api-key" -> apiKey = value != null ? value : next(args, ++i, name, "an API key");
        case "--model" -> model = value != null ? value : next(args, ++i, name, "a model name");
        default -> throw new UsageException("unknown argument '" + arg + "'");
      }
    }
    Target target = null;
    if (baseUrl != null || apiKey != null || model != null) {
      if (baseUrl == null || apiKey == null || model == null) {
        throw new UsageException("--base-url, --api-key and --model go together; missing: "
            + missing(baseUrl, apiKey, model) + " (give any key to a provider that takes none)");
      }
      target = new Target(checkUrl(baseUrl), apiKey, model);
    }
    List<Way> ways = new ArrayList<>(only.isEmpty() ? EnumSet.allOf(Way.class) : only);
    return new TourOptions(scenario, ways, list, help, target);
  }

  private static String next(String[] args, int i, String name, String what) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(name + " needs a value: " + what);
    }
    return args[i];
  }

  private static String missing(@Nullable String baseUrl, @Nullable String apiKey, @Nullable String model) {
    List<String> out = new ArrayList<>();
    if (baseUrl == null) {
      out.add("--base-url");
    }
    if (apiKey == null) {
      out.add("--api-key");
    }
    if (model == null) {
      out.add("--model");
    }
    return String.join(", ", out);
  }

  private static String checkUrl(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    try {
      URI uri = new URI(u);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new UsageException("--base-url '" + url + "' is not an http(s) URL; give e.g. https://api.openai.com/v1");
      }
    } catch (URISyntaxException e) {
      throw new UsageException("--base-url '" + url + "' is not a URL: " + e.getReason());
    }
    return u;
  }
}
