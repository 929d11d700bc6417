package dev.toolguard.examples.langchain4j.app;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The bank assistant in a few steps: a transfer waits for approval, the assistant is "restarted" over
 * the same database (an H2 file, kept by toolguard's {@code ToolGuardChatMemoryStore}), and the transfer
 * is approved there.
 *
 * <pre>
 * java -cp examples-langchain4j/target/toolguard-examples-langchain4j.jar dev.toolguard.examples.langchain4j.app.Demo
 * java -cp … dev.toolguard.examples.langchain4j.app.Demo --base-url URL --api-key KEY --model NAME  # a real provider
 * java -cp … dev.toolguard.examples.langchain4j.app.Demo --help | --version | generate-completion
 * </pre>
 *
 * <p>Without a provider it talks to the testkit referee on loopback, with the model's answers scripted.
 * The command line is picocli's; the older positional form {@code BASE_URL API_KEY MODEL} still works.
 */
public final class Demo {

  private static final String NAME = "bank-demo";

  private Demo() {}

  /** The command line (picocli). */
  @CommandLine.Command(name = NAME, mixinStandardHelpOptions = true, versionProvider = Version.class,
      usageHelpAutoWidth = false, sortOptions = false,
      description = "The bank assistant (LangChain4j AiServices): a transfer waits for approval, the assistant is"
          + " restarted over the same H2 database, and the transfer is approved there. Without a provider it"
          + " talks to the testkit referee on loopback, its answers scripted; no network, no keys.",
      commandListHeading = "%nCommands:%n",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:done (or --help, --version)", "1:failed (the reason on standard error)", "2:bad arguments"},
      footer = {"Completion (bash or zsh): source <(bank-demo generate-completion), with an alias:",
          "  alias bank-demo='java -cp examples-langchain4j/target/toolguard-examples-langchain4j.jar"
              + " dev.toolguard.examples.langchain4j.app.Demo'"})
  static final class Command implements Callable<Integer> {
    @CommandLine.Option(names = "--base-url", paramLabel = "URL",
        description = "a real OpenAI-compatible provider's base URL (with --api-key and --model)")
    @Nullable String baseUrl;

    @CommandLine.Option(names = "--api-key", paramLabel = "KEY", description = "the provider's key")
    @Nullable String apiKey;

    @CommandLine.Option(names = "--model", paramLabel = "NAME", description = "the provider's model")
    @Nullable String model;

    @CommandLine.Parameters(paramLabel = "BASE_URL API_KEY MODEL", arity = "0..3", hidden = true,
        description = "the older positional form of --base-url, --api-key and --model")
    List<String> positional = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.@Nullable CommandSpec spec;

    PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
      CommandLine cli = Objects.requireNonNull(spec).commandLine();
      if (!positional.isEmpty()) {
        if (positional.size() != 3 || baseUrl != null || apiKey != null || model != null) {
          throw new CommandLine.ParameterException(cli, "give the provider as --base-url URL --api-key KEY"
              + " --model NAME (or as the three words BASE_URL API_KEY MODEL), got " + positional.size()
              + " positional argument(s)" + (baseUrl != null || apiKey != null || model != null
                  ? " beside the options" : ""));
        }
        baseUrl = positional.get(0);
        apiKey = positional.get(1);
        model = positional.get(2);
      }
      int given = (baseUrl == null ? 0 : 1) + (apiKey == null ? 0 : 1) + (model == null ? 0 : 1);
      if (given != 0 && given != 3) {
        throw new CommandLine.ParameterException(cli, "a real provider needs all of --base-url, --api-key and"
            + " --model; leave all three out to talk to the testkit referee");
      }
      demo(out, given == 0 ? null : new String[] {baseUrl, apiKey, model});
      return 0;
    }
  }

  /** {@code --version}: the project version, from a resource the build filters. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {NAME + " " + version()};
    }

    static String version() {
      try (InputStream in = Demo.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "unknown";
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }
  }

  /** The command line, with its {@code generate-completion} command. */
  static CommandLine commandLine(Command command) {
    CommandLine cli = new CommandLine(command);
    cli.addSubcommand("generate-completion", new CommandLine(new AutoComplete.GenerateCompletion()));
    return cli;
  }

  /** Runs the demo and exits: 0 done, 1 failed, 2 bad arguments. */
  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the command line on the given streams; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Command command = new Command();
    command.out = out;
    CommandLine cli = commandLine(command);
    PrintWriter outWriter = new PrintWriter(out, true);
    cli.setOut(outWriter);
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println(NAME + ": " + e);
      return 1;
    });
    int status = cli.execute(args);
    outWriter.flush();
    return status;
  }

  /** A data source of the H2 database file at {@code url}: a new one per "process". */
  private static JdbcDataSource h2(String url) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    return ds;
  }

  /** The demo, against {@code provider} (base URL, key, model) or, when null, the referee. */
  private static void demo(PrintStream out, String @Nullable [] provider) throws IOException {
    ProviderReferee referee = provider != null ? null : ProviderReferee.start();
    try {
      String baseUrl = referee == null ? provider[0] : referee.openAiBaseUrl();
      String apiKey = referee == null ? provider[1] : "demo";
      String modelName = referee == null ? provider[2] : "gpt-4o-mini";
      ChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey(apiKey).modelName(modelName)
          .timeout(Duration.ofSeconds(60)).build();
      if (referee != null) {
        referee.script().enqueue(Reply.toolCall("transfer", "{\"to\":\"Bob\",\"amount\":40}"),
            Reply.text("Done: I sent 40 EUR to Bob; 80 EUR are left."));
      }
      Path dir = Files.createTempDirectory("bank-memories-");
      String url = "jdbc:h2:file:" + dir.resolve("memories").toAbsolutePath();
      BankTools account = new BankTools(120);

      BankAssistant bank = new BankAssistant(model, BankAssistant.databaseStore(h2(url)), account,
          Set.of("transfer"));
      out.println("alice> Send 40 EUR to Bob, please.");
      BankAssistant.Reply reply = bank.chat("alice", "Send 40 EUR to Bob, please.");
      out.println("bank > " + reply);
      if (!(reply instanceof BankAssistant.NeedsApproval waiting) || waiting.calls().isEmpty()) {
        return;
      }
      out.println("       (transfers so far: " + account.transfers() + "; memory in " + url + ")");

      BankAssistant restarted = new BankAssistant(model, BankAssistant.databaseStore(h2(url)), account,
          Set.of("transfer"));
      out.println("       -- a new assistant over the same database, as after a restart --");
      out.println("       waiting: " + restarted.pending("alice"));
      out.println("alice> (approves " + waiting.calls().get(0).callId() + ")");
      out.println("bank > " + restarted.approve("alice", waiting.calls().get(0).callId()));
      out.println("       (transfers: " + account.transfers() + ")");
    } finally {
      if (referee != null) {
        referee.close();
      }
    }
  }
}
