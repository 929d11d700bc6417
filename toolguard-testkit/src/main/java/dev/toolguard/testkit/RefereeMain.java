package dev.toolguard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The standalone referee: {@code java -jar toolguard-testkit.jar [--port N] [--host ADDRESS] [--script
 * FILE]} (picocli: {@code --help}, {@code --version}, {@code generate-completion}).
 *
 * <p>Prints the base URL ({@code http://127.0.0.1:PORT}) as the only line on standard output and serves
 * until the process is killed; valid requests get the script's replies ({@link RefereeScript}), else
 * default replies. Bad usage or a bad script is a one-line error and the usage on standard error, exit
 * status 2; a port that cannot be bound, exit status 1.
 */
@Command(name = "toolguard-referee", mixinStandardHelpOptions = true, versionProvider = RefereeMain.Version.class,
    usageHelpAutoWidth = false, sortOptions = false,
    description = "Serves OpenAI Chat Completions, OpenAI Responses, Anthropic Messages, Gemini, Bedrock Converse,"
        + " Mistral (under /mistral) and Ollama on loopback, checks"
        + " every request against the providers' tool call rules (a violation gets the provider's 400) and answers"
        + " valid ones from the script, else with default replies. Prints the base URL, then serves until killed.",
    subcommands = AutoComplete.GenerateCompletion.class,
    footerHeading = "%n",
    commandListHeading = "%nCommands:%n",
    footer = {"Completion (bash or zsh): source <(toolguard-referee generate-completion), with an alias:",
        "  alias toolguard-referee='java -jar toolguard-testkit.jar'"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:--help or --version (otherwise it serves until killed)",
        "1:the port cannot be bound",
        "2:bad usage, or a script that cannot be read or is not a script"})
public final class RefereeMain implements Callable<Integer> {

  /** Exit status: the port cannot be bound. */
  static final int CANNOT_LISTEN = 1;
  /** Exit status: bad usage or a bad script. */
  static final int USAGE = 2;

  @Option(names = "--port", paramLabel = "N", defaultValue = "0",
      description = "the port to listen on, 0 to 65535; 0 (the default) picks a free one")
  private int port;

  @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "the address to listen on (default: ${DEFAULT-VALUE})")
  private String host = "127.0.0.1";

  @Option(names = "--script", paramLabel = "FILE",
      description = "a JSON file of replies: answered in order (\"replies\"), or keyed by the last user text"
          + " (\"byLastUserText\"), tool calls included; see the testkit README")
  private @Nullable Path script;

  @Spec
  private @Nullable CommandSpec spec;

  private final PrintStream out;
  private @Nullable ProviderReferee referee;

  private RefereeMain(PrintStream out) {
    this.out = out;
  }

  /**
   * The outcome of {@link #launch}: a started referee, or none and the exit status.
   *
   * @param referee the running referee, or null when none was started
   * @param exitStatus the status to exit with when no referee was started (0 after {@code --help})
   */
  record Launch(@Nullable ProviderReferee referee, int exitStatus) {}

  /** Runs the referee until the process is killed. */
  public static void main(String[] args) throws InterruptedException {
    Launch launch = launch(args, System.out, System.err);
    ProviderReferee referee = launch.referee();
    if (referee == null) {
      System.exit(launch.exitStatus());
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      referee.close();
      stopped.countDown();
    }, "toolguard-referee-shutdown"));
    stopped.await();
  }

  /** Parses the arguments and starts a referee, printing its base URL on {@code out}; errors go to {@code err}. */
  static Launch launch(String[] args, PrintStream out, PrintStream err) {
    RefereeMain main = new RefereeMain(out);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    CommandLine cli = commandLine(main).setOut(outWriter).setErr(errWriter);
    int status = cli.execute(args);
    outWriter.flush();
    errWriter.flush();
    return main.referee != null ? new Launch(main.referee, 0) : new Launch(null, status);
  }

  private static CommandLine commandLine(RefereeMain main) {
    CommandLine cli = new CommandLine(main);
    cli.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("toolguard-referee: " + e.getMessage());
      e.getCommandLine().usage(err, CommandLine.Help.Ansi.OFF);
      return USAGE;
    });
    return cli;
  }

  /** The usage text. */
  static String usage() {
    return commandLine(new RefereeMain(System.out)).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  @Override
  public Integer call() {
    CommandLine cli = java.util.Objects.requireNonNull(spec).commandLine();
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(cli, "--port needs a number from 0 to 65535, got " + port);
    }
    RefereeScript replies = null;
    if (script != null) {
      try {
        replies = RefereeScript.read(script);
      } catch (RefereeScript.ScriptException e) {
        throw new CommandLine.ParameterException(cli, e.getMessage());
      }
    }
    ProviderReferee started;
    try {
      started = ProviderReferee.builder().host(host).port(port).start();
    } catch (UncheckedIOException e) {
      cli.getErr().println("toolguard-referee: " + e.getMessage());
      return CANNOT_LISTEN;
    }
    if (replies != null) {
      replies.applyTo(started.script());
    }
    referee = started;
    out.println(started.baseUrl());
    out.flush();
    return 0;
  }

  /** {@code --version}: the project version written into the jar at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = "unknown";
      try (InputStream in = RefereeMain.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          version = p.getProperty("version", version);
        }
      } catch (IOException e) {
        // unknown
      }
      return new String[] {"toolguard-referee " + version};
    }
  }
}
