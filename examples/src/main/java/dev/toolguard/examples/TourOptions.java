package dev.toolguard.examples;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The tour's command line, parsed (picocli; the usage is generated from {@link Command}).
 *
 * <pre>
 * java -jar toolguard-examples.jar [--scenario NAME] [--only WAY[,WAY…]] [--list] [--verbose]
 *                                  [--base-url URL --api-key KEY --model NAME] [--help] [--version]
 * java -jar toolguard-examples.jar generate-completion
 * </pre>
 *
 * @param scenario the one scenario to run, or null for all
 * @param ways the ways to run, in column order (all unless {@code --only})
 * @param list true to print the scenario and way names and stop
 * @param help true to print the usage and stop
 * @param target a real OpenAI-compatible provider for the guarded side, or null for the referee
 * @param verbose true to print every detail whole (the provider's full error), wrapped at 120 columns
 * @param version true to print the version and stop
 * @param completion true to print the bash/zsh completion script and stop
 */
public record TourOptions(
    @Nullable Scenario scenario, List<Way> ways, boolean list, boolean help, @Nullable Target target,
    boolean verbose, boolean version, boolean completion) {

  /** The usage text of the tour. */
  public static final String USAGE = usage("toolguard-tour");

  /** The usage text of the command line {@code name} (the tour, or a way's main). */
  public static String usage(String name) {
    return commandLine(new Command(), name).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  /** The bash/zsh completion script of the command line {@code name}. */
  public static String completionScript(String name) {
    return AutoComplete.bash(name, commandLine(new Command(), name));
  }

  private static CommandLine commandLine(Command command, String name) {
    CommandLine cli = new CommandLine(command);
    cli.setCommandName(name);
    cli.addSubcommand("generate-completion", new CommandLine(new AutoComplete.GenerateCompletion()));
    return cli;
  }

  /** The options, as picocli reads them. */
  @CommandLine.Command(mixinStandardHelpOptions = true, versionProvider = Version.class,
      usageHelpAutoWidth = false, sortOptions = false,
      description = "Runs every failure class of the design, for each way into toolguard: first the bare framework"
          + " call (it must get the provider's 400), then the guarded one (it must succeed), against the testkit"
          + " referee started on loopback. No network, no keys.",
      commandListHeading = "%nCommands:%n",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:every cell passed", "1:a cell failed", "2:bad arguments"},
      footerHeading = "%n",
      footer = {"Completion (bash or zsh): source <(toolguard-tour generate-completion), with an alias:",
          "  alias toolguard-tour='java -jar examples/target/toolguard-examples.jar'"})
  static final class Command {
    @CommandLine.Option(names = "--scenario", paramLabel = "NAME", completionCandidates = ScenarioIds.class,
        description = "run one scenario (see --list)")
    @Nullable String scenario;

    @CommandLine.Option(names = "--only", paramLabel = "WAY", split = ",", completionCandidates = WayIds.class,
        description = "run only these ways (a comma-separated list, or the option again): ${COMPLETION-CANDIDATES}")
    List<String> only = new ArrayList<>();

    @CommandLine.Option(names = "--list", description = "print the scenarios and the ways, and stop")
    boolean list;

    @CommandLine.Option(names = "--verbose", description = "print each detail whole (the provider's full error),"
        + " wrapped at 120 columns, instead of one cut line")
    boolean verbose;

    @CommandLine.Option(names = "--base-url", paramLabel = "URL", description = "run the guarded side against a real"
        + " OpenAI-compatible provider (with --api-key and --model; base URL up to /v1, e.g."
        + " https://api.openai.com/v1); bare cells are then N/A")
    @Nullable String baseUrl;

    @CommandLine.Option(names = "--api-key", paramLabel = "KEY", description = "the provider's key")
    @Nullable String apiKey;

    @CommandLine.Option(names = "--model", paramLabel = "NAME", description = "the provider's model")
    @Nullable String model;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @CommandLine.Option(names = {"-V", "--version"}, versionHelp = true, description = "Print version information and exit.")
    boolean version;
  }

  /** The scenario names, for the completion script. */
  static final class ScenarioIds implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Scenario.ids().iterator();
    }
  }

  /** The way names, for the usage and the completion script. */
  static final class WayIds implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Way.ids().iterator();
    }
  }

  /** {@code --version}: the project version, from a resource the build filters. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"toolguard-tour " + version()};
    }

    /** The project version. */
    static String version() {
      try (java.io.InputStream in = TourOptions.class.getResourceAsStream("version.properties")) {
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
    Command c = new Command();
    CommandLine cli = commandLine(c, "toolguard-tour");
    CommandLine.ParseResult parsed;
    try {
      parsed = cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new UsageException(e.getMessage());
    }
    boolean completion = parsed.subcommand() != null;
    Scenario scenario = null;
    if (c.scenario != null) {
      scenario = Scenario.find(c.scenario);
      if (scenario == null) {
        throw new UsageException("unknown scenario '" + c.scenario + "'; use one of " + String.join(", ", Scenario.ids()));
      }
    }
    Set<Way> only = EnumSet.noneOf(Way.class);
    for (String id : c.only) {
      Way way = Way.find(id.strip());
      if (way == null) {
        throw new UsageException("unknown way '" + id.strip() + "'; use one of " + String.join(", ", Way.ids()));
      }
      only.add(way);
    }
    Target target = null;
    if (c.baseUrl != null || c.apiKey != null || c.model != null) {
      if (c.baseUrl == null || c.apiKey == null || c.model == null) {
        throw new UsageException("--base-url, --api-key and --model go together; missing: "
            + missing(c.baseUrl, c.apiKey, c.model) + " (give any key to a provider that takes none)");
      }
      target = new Target(checkUrl(c.baseUrl), c.apiKey, c.model);
    }
    List<Way> ways = new ArrayList<>(only.isEmpty() ? EnumSet.allOf(Way.class) : only);
    return new TourOptions(scenario, ways, c.list, c.help, target, c.verbose, c.version, completion);
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
