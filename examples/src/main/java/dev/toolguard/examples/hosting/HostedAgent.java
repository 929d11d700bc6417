package dev.toolguard.examples.hosting;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.hosting.JdbcResponseStore;
import dev.toolguard.hosting.ResponsesServer;
import dev.toolguard.jdbc.JdbcCallJournal;
import dev.toolguard.jdbc.JdbcConversationStore;
import dev.toolguard.json.HistoryJson;
import dev.toolguard.json.http.HttpBackendConfig;
import dev.toolguard.json.http.HttpChatBackend;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * A refund agent served over the OpenAI Responses API: any Responses client (openai-java, the Python
 * and JS SDKs, curl) asks it, gets an {@code mcp_approval_request} for each refund, and answers with an
 * {@code mcp_approval_response}; the refund then runs once, on any instance.
 *
 * <pre>
 * java -cp examples/target/toolguard-examples.jar dev.toolguard.examples.hosting.HostedAgent --demo-model
 * java -cp … HostedAgent --base-url https://api.openai.com/v1 --model gpt-4o-mini   (key: OPENAI_API_KEY)
 * java -cp … HostedAgent … --jdbc-url "jdbc:h2:file:./hosted;AUTO_SERVER=TRUE" --port 8081   (instances share it)
 * </pre>
 *
 * <p>Copy it: the agent is {@link #agent} (its tools and approval rules) and {@link #serve} (the
 * server: secret, journal, stores); the rest is the command line.
 */
@CommandLine.Command(name = "hosted-agent", mixinStandardHelpOptions = true, versionProvider = HostedAgent.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Serves a refund agent over the OpenAI Responses API (POST/GET /v1/responses); refunds wait for"
        + " approval as mcp_approval_request items.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped", "2:bad arguments or configuration"},
    subcommands = AutoComplete.GenerateCompletion.class)
public final class HostedAgent implements java.util.concurrent.Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ORDER = Pattern.compile("\\b([A-Z]+-?\\d+)\\b");

  @CommandLine.Option(names = "--host", paramLabel = "ADDRESS", description = "the address to listen on"
      + " (default: ${DEFAULT-VALUE})")
  String host = "127.0.0.1";

  @CommandLine.Option(names = "--port", paramLabel = "PORT", description = "the port (default: ${DEFAULT-VALUE};"
      + " 0: any free port)")
  int port = 8080;

  @CommandLine.Option(names = "--base-url", paramLabel = "URL", description = "the agent's model: an"
      + " OpenAI-compatible Chat Completions API, up to /v1 (the key in OPENAI_API_KEY)")
  @Nullable String baseUrl;

  @CommandLine.Option(names = "--model", paramLabel = "NAME", description = "the model (default: ${DEFAULT-VALUE})")
  String model = "gpt-4o-mini";

  @CommandLine.Option(names = "--demo-model", description = "instead of a provider, a scripted model on loopback (the"
      + " testkit referee): it asks to refund the order the user names. No network, no keys")
  boolean demoModel;

  @CommandLine.Option(names = "--jdbc-url", paramLabel = "URL", description = "keep the claim journal, conversations and"
      + " responses in this database, shared by every instance (H2 here; for several processes on one file:"
      + " jdbc:h2:file:./hosted;AUTO_SERVER=TRUE); default: memory")
  @Nullable String jdbcUrl;

  @CommandLine.Option(names = "--secret-env", paramLabel = "NAME", description = "the environment variable with the"
      + " signing secret, 32 bytes or more, the same on every instance (default: ${DEFAULT-VALUE}); with"
      + " --demo-model and none set, a random one")
  String secretEnv = "TOOLGUARD_HOSTING_SECRET";

  private final Map<String, String> env;
  private final PrintStream out;
  private @Nullable Running running;

  HostedAgent(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  /** Starts the agent and serves until the process is stopped. */
  public static void main(String[] args) {
    HostedAgent agent = new HostedAgent(System.getenv(), System.out);
    int code = new CommandLine(agent).execute(args);
    if (code != 0 || agent.running == null) {
      System.exit(code);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Running r = agent.running;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      r.close();
      stopped.countDown();
    }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A started agent: its server, and the demo model when there is one. */
  record Running(ResponsesServer server, @Nullable ProviderReferee demo) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      if (demo != null) {
        demo.close();
      }
    }
  }

  /** Starts the agent from {@code args}; null when they only asked for help or the version. */
  static @Nullable Running start(Map<String, String> env, PrintStream out, String... args) {
    HostedAgent agent = new HostedAgent(env, out);
    int code = new CommandLine(agent).execute(args);
    if (code != 0) {
      throw new IllegalArgumentException("hosted-agent exited with " + code);
    }
    return agent.running;
  }

  @Override
  public Integer call() {
    if (demoModel == (baseUrl != null)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "give either --base-url (and OPENAI_API_KEY) or"
          + " --demo-model");
    }
    byte[] secret = secret();
    ProviderReferee demo = demoModel ? demoModel() : null;
    ChatBackend backend = demo != null
        ? HttpChatBackend.openAiChat(HttpBackendConfig.builder().baseUrl(demo.openAiBaseUrl()).model("demo").build())
        : HttpChatBackend.openAiChat(HttpBackendConfig.builder().baseUrl(baseUrl).apiKey(apiKey()).model(model)
            .requestTimeout(Duration.ofSeconds(120)).build());
    ResponsesServer server = serve(backend, agent(), secret, jdbcUrl, host, port);
    running = new Running(server, demo);
    out.println("hosted-agent: serving " + server.baseUrl() + "/responses (model: " + (demo != null ? "demo" : model)
        + ", state: " + (jdbcUrl == null ? "memory" : jdbcUrl) + ")");
    out.flush();
    return 0;
  }

  /** The agent: one tool, {@code refund}, that waits for a human's approval. */
  static FunctionInvokingLoop.Builder agent() {
    LoopTool refund = LoopTool.of(new ToolSpec("refund", "Refunds an order (a human approves it first)",
        "{\"type\":\"object\",\"properties\":{\"order\":{\"type\":\"string\"}},\"required\":[\"order\"]}"),
        args -> {
          String order = JSON.readTree(args).path("order").asText();
          System.err.println("[refunds] refunding order " + order);
          return "{\"refunded\":\"" + order + "\"}";
        });
    return FunctionInvokingLoop.builder()
        .tools(refund)
        .config(LoopConfig.custom().approvalRequired(Set.of("refund")).build());
  }

  /** The server: the agent on {@code backend}, signed approvals, state in memory or in {@code jdbcUrl}. */
  static ResponsesServer serve(ChatBackend backend, FunctionInvokingLoop.Builder agent, byte[] secret,
      @Nullable String jdbcUrl, String host, int port) {
    ResponsesServer.Builder b = ResponsesServer.builder(backend, agent).secret(secret).host(host).port(port);
    if (jdbcUrl != null) {
      JdbcDataSource db = new JdbcDataSource();
      db.setURL(jdbcUrl);
      b.journal(JdbcCallJournal.builder(db).createTable(true).build())
          .conversations(JdbcConversationStore.builder(db, HistoryJson.codec()).createTable(true).build())
          .responses(JdbcResponseStore.of(db).createTable());
    }
    return b.start();
  }

  private byte[] secret() {
    String value = env.get(secretEnv);
    if (value == null || value.isBlank()) {
      if (!demoModel) {
        throw new CommandLine.ParameterException(new CommandLine(this), secretEnv + " is not set: set it to a random"
            + " string of 32 characters or more, the same on every instance");
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      return random;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < 32) {
      throw new CommandLine.ParameterException(new CommandLine(this), secretEnv + " is too short: " + bytes.length
          + " bytes, at least 32");
    }
    return bytes;
  }

  private String apiKey() {
    String key = env.get("OPENAI_API_KEY");
    if (key == null || key.isBlank()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "OPENAI_API_KEY is not set: the key of"
          + " --base-url");
    }
    return key;
  }

  /**
   * The scripted model of {@code --demo-model}: asked to refund an order it names (A1, B-2…), it calls
   * {@code refund}; given the refund's result, it says how it went.
   */
  static ProviderReferee demoModel() {
    ProviderReferee referee = ProviderReferee.start();
    referee.script().respondWith(request -> {
      if (request.endsWithToolResult()) {
        String result = String.valueOf(request.lastToolResult());
        Matcher m = ORDER.matcher(result);
        return result.contains("refunded") && m.find() ? Reply.text("Order " + m.group(1) + " is refunded.")
            : Reply.text("The refund was not made: " + result);
      }
      String user = String.valueOf(request.lastUserText());
      Matcher m = ORDER.matcher(user);
      if (user.toLowerCase(java.util.Locale.ROOT).contains("refund") && m.find()) {
        return Reply.toolCall("refund", "{\"order\":\"" + m.group(1) + "\"}");
      }
      return Reply.text("I can refund an order: name it (\"Refund order A1\").");
    });
    return referee;
  }

  /** {@code --version}: the project version, from a resource the build filters. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      try (java.io.InputStream in = HostedAgent.class.getResourceAsStream("/dev/toolguard/examples/version.properties")) {
        java.util.Properties p = new java.util.Properties();
        if (in != null) {
          p.load(in);
        }
        return new String[] {"hosted-agent " + p.getProperty("version", "unknown")};
      } catch (java.io.IOException e) {
        return new String[] {"hosted-agent unknown"};
      }
    }
  }
}
