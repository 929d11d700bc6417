package dev.toolguard.examples.openai.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIException;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Role;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopConfig;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.LoopTool;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.openai.OpenAiHistory;
import dev.toolguard.openai.OpenAiToolGuard;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A refund desk assistant on the OpenAI Responses API, whose refunds wait for a human's approval —
 * across runs of the program. The whole conversation, the waiting call included, lives in one JSON
 * file; there is no other state.
 *
 * <pre>
 * java -cp toolguard-examples-openai-java.jar dev.toolguard.examples.openai.app.RefundAssistant \
 *     ask "Order A-1001 arrived broken, please refund it." --state conversation.json
 *   → waiting for approval: call_… refund {"orderId":"A-1001","amount":25.00}
 * java … RefundAssistant approve call_… --state conversation.json      (or: reject call_… --reason "…")
 *   → the refund runs once, the model is told, and answers
 * </pre>
 *
 * <p>The model may look an order up ({@code order_status}) whenever it likes; {@code refund} needs
 * approval. toolguard's loop stops with the refund call waiting, the history is written to the file
 * ({@link OpenAiHistory#write}), and the program ends. A later run reads the file, answers the waiting
 * call by its id, and the loop runs the refund and goes on. The history in the file is valid at every
 * moment, so {@code ask} can also go on without answering (the waiting refund is then declined).
 *
 * <p>Every run names its conversation to the loop ({@code loop.run(key, history)}), here by the state
 * file's path: the waiting refund is stamped with it, so its approval answers nothing in another
 * conversation, and it is claimed under it before it runs, so it runs once however often it is
 * approved.
 */
public final class RefundAssistant {

  static final String SYSTEM_PROMPT = "You are the refund desk of a web shop. Look orders up with order_status"
      + " before refunding; refund at most the order total. Be brief.";

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** The money side: where a refund really happens. */
  @FunctionalInterface
  public interface Refunds {
    /**
     * Refunds {@code amount} on {@code orderId} and returns a confirmation for the model (JSON).
     *
     * @param idempotencyKey the same for every attempt at this one refund and different for every other
     *     (the conversation's digest and the call id: call ids alone repeat across conversations), so
     *     that a payment provider can refuse a second one after a crash
     */
    String refund(String idempotencyKey, String orderId, BigDecimal amount) throws Exception;

    /** A stand-in that only says what it would do, on standard error. */
    static Refunds demo() {
      return (key, orderId, amount) -> {
        System.err.println("[refunds] refunding " + amount + " on " + orderId + " (key " + key + ")");
        return JSON.createObjectNode().put("refundId", "R-" + key).put("orderId", orderId).put("amount", amount)
            .toString();
      };
    }
  }

  /** The shop's orders, as the stand-in {@code order_status} sees them. */
  private static final Map<String, BigDecimal> ORDERS = Map.of(
      "A-1001", new BigDecimal("25.00"),
      "A-1002", new BigDecimal("89.90"));

  private final FunctionInvokingLoop loop;
  private final Path state;
  /**
   * The conversation's key: the state file, where the conversation lives. Call ids repeat across
   * conversations, so the loop keeps the calls of one file apart from another's by it: an approval
   * copied into another file is refused, and a refund runs once in its conversation.
   */
  private final String conversation;

  /**
   * An assistant that asks {@code model} through {@code client}, keeps the conversation in the file
   * {@code state}, and refunds through {@code refunds}.
   */
  public RefundAssistant(OpenAIClient client, String model, Path state, Refunds refunds) {
    this.state = state;
    this.conversation = state.toAbsolutePath().normalize().toString();
    LoopTool orderStatus = LoopTool.of(new ToolSpec("order_status", "Looks an order up: its status and total",
        "{\"type\":\"object\",\"properties\":{\"orderId\":{\"type\":\"string\"}},\"required\":[\"orderId\"]}"),
        RefundAssistant::orderStatus);
    LoopTool refund = new LoopTool() {
      private final ToolSpec spec = new ToolSpec("refund", "Refunds an amount on an order (a human approves it first)",
          "{\"type\":\"object\",\"properties\":{\"orderId\":{\"type\":\"string\"},\"amount\":{\"type\":\"number\"}},"
              + "\"required\":[\"orderId\",\"amount\"]}");

      @Override
      public ToolSpec spec() {
        return spec;
      }

      @Override
      public String invoke(ToolCall call) throws Exception {
        JsonNode args = JSON.readTree(call.argumentsJson());
        String orderId = args.path("orderId").asText();
        if (orderId.isBlank() || !args.path("amount").isNumber()) {
          throw new IllegalArgumentException("refund needs an orderId and a numeric amount");
        }
        BigDecimal amount;
        try {
          amount = args.path("amount").decimalValue().setScale(2, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException("a refund amount has at most two decimals", e);
        }
        if (amount.signum() <= 0) {
          throw new IllegalArgumentException("a refund amount is positive");
        }
        return refunds.refund(idempotencyKey(conversation, call.callId()), orderId, amount);
      }
    };
    this.loop = FunctionInvokingLoop.builder(OpenAiToolGuard.responses(client, b -> b.model(model)))
        .tools(orderStatus, refund)
        .config(LoopConfig.custom().approvalRequired(Set.of("refund")).build())
        .build();
  }

  /**
   * The idempotency key of the refund of call {@code callId} in conversation {@code conversation}: a
   * model's call ids repeat across conversations ({@code call_0} in each), so the call id alone would
   * make a payment provider refuse another conversation's refund as a repeat.
   */
  static String idempotencyKey(String conversation, String callId) {
    return dev.toolguard.core.loop.CallKey.conversationDigest(conversation) + "-" + callId;
  }

  /**
   * Asks {@code question}: in the conversation of the state file if there is one, else in a new one.
   * A refund still waiting there is declined (the loop's default), before the question.
   */
  public LoopResult ask(String question) {
    List<Message> history = new ArrayList<>();
    if (Files.exists(state)) {
      history.addAll(OpenAiHistory.read(state));
    } else {
      history.add(Message.system(SYSTEM_PROMPT));
    }
    history.add(Message.user(question));
    return runAndStore(history);
  }

  /**
   * Approves the waiting call {@code callId}: the loop runs it, then asks the model again.
   *
   * @throws ToolguardException if no call {@code callId} waits in the state file
   */
  public LoopResult approve(String callId) {
    List<Message> history = stored();
    history.add(Message.of(Role.USER, ApprovalResponse.approve(waiting(history, callId))));
    return runAndStore(history);
  }

  /**
   * Rejects the waiting call {@code callId}: the model is told it was not approved, and why.
   *
   * @throws ToolguardException if no call {@code callId} waits in the state file
   */
  public LoopResult reject(String callId, String reason) {
    List<Message> history = stored();
    history.add(Message.of(Role.USER, ApprovalResponse.reject(waiting(history, callId), reason)));
    return runAndStore(history);
  }

  /** The calls that wait for an answer in {@code history}, in order. */
  public static List<ApprovalRequest> pending(List<Message> history) {
    Set<String> answered = new HashSet<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ToolResult) {
          answered.add(((ToolResult) c).callId());
        } else if (c instanceof ApprovalResponse) {
          answered.add(((ApprovalResponse) c).callId());
        }
      }
    }
    List<ApprovalRequest> pending = new ArrayList<>();
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ApprovalRequest && !answered.contains(((ApprovalRequest) c).callId())) {
          pending.add((ApprovalRequest) c);
        }
      }
    }
    return pending;
  }

  private List<Message> stored() {
    if (!Files.exists(state)) {
      throw new ToolguardException("there is no conversation in " + state + "; start one with: ask \"QUESTION\"");
    }
    return new ArrayList<>(OpenAiHistory.read(state));
  }

  private static ApprovalRequest waiting(List<Message> history, String callId) {
    List<ApprovalRequest> pending = pending(history);
    for (ApprovalRequest request : pending) {
      if (request.callId().equals(callId)) {
        return request;
      }
    }
    throw new ToolguardException("no call " + callId + " waits for approval"
        + (pending.isEmpty() ? "; none does" : "; waiting: " + String.join(", ", pending.stream()
            .map(ApprovalRequest::callId).toList())));
  }

  /**
   * Runs the loop and writes the history it ends with, also when the model could not be reached
   * after tools ran: their results are kept, so nothing runs twice.
   */
  private LoopResult runAndStore(List<Message> history) {
    LoopResult result;
    try {
      result = loop.run(conversation, history);
    } catch (LoopException e) {
      OpenAiHistory.write(state, e.history());
      throw e;
    }
    OpenAiHistory.write(state, result.history());
    return result;
  }

  private static String orderStatus(String argumentsJson) throws Exception {
    String orderId = JSON.readTree(argumentsJson).path("orderId").asText();
    BigDecimal total = ORDERS.get(orderId);
    if (total == null) {
      return JSON.createObjectNode().put("orderId", orderId).put("error", "no such order").toString();
    }
    return JSON.createObjectNode().put("orderId", orderId).put("status", "delivered").put("total", total).toString();
  }

  // ---- the command line

  /** Runs one command and exits: 0 done, 1 failed (the reason on standard error), 2 bad arguments. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, Refunds.demo()));
  }

  /** Runs one command with its own client and assistant, as a process would; returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err, Refunds refunds) {
    Command command;
    try {
      command = Command.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("RefundAssistant: " + e.getMessage());
      err.print(Command.usage());
      return 2;
    }
    if (command.help) {
      out.print(Command.usage());
      return 0;
    }
    if (command.version) {
      out.println("RefundAssistant " + Command.version());
      return 0;
    }
    OpenAIClient client;
    try {
      OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder().fromEnv();
      if (command.baseUrl != null) {
        builder.baseUrl(command.baseUrl);
      }
      if (command.apiKey != null) {
        builder.apiKey(command.apiKey);
      }
      client = builder.build();
    } catch (RuntimeException e) {
      err.println("RefundAssistant: cannot make the OpenAI client (" + e.getMessage() + "); set OPENAI_API_KEY"
          + " or pass --api-key KEY");
      return 2;
    }
    try {
      RefundAssistant assistant = new RefundAssistant(client, command.model, command.state, refunds);
      LoopResult result;
      if (command.verb.equals("ask")) {
        result = assistant.ask(command.argument);
      } else if (command.verb.equals("approve")) {
        result = assistant.approve(command.argument);
      } else {
        result = assistant.reject(command.argument, command.reason);
      }
      print(result, command.state, out);
      return 0;
    } catch (ApprovalException e) {
      err.println("RefundAssistant: refused: " + e.getMessage());
      return 1;
    } catch (LoopException e) {
      err.println("RefundAssistant: the model could not be reached (" + e.getMessage() + "); what ran is stored in "
          + command.state + ", go on with: ask \"…\"");
      return 1;
    } catch (ToolguardException | OpenAIException e) {
      err.println("RefundAssistant: " + e.getMessage());
      return 1;
    } finally {
      client.close();
    }
  }

  private static void print(LoopResult result, Path state, PrintStream out) {
    if (!result.text().isBlank()) {
      out.println("assistant: " + result.text());
    }
    if (result.status() == LoopResult.Status.AWAITING) {
      for (ApprovalRequest request : result.pending()) {
        out.println("waiting for approval: " + request.callId() + " " + request.call().name() + " "
            + request.call().argumentsJson());
        out.println("  approve: approve " + request.callId() + " --state " + state);
        out.println("  reject:  reject " + request.callId() + " --reason \"…\" --state " + state);
      }
    } else if (result.status() != LoopResult.Status.COMPLETED) {
      out.println("(the run ended: " + result.status() + ")");
    }
  }

  /** A parsed command line (picocli). */
  static final class Command {
    String verb = "";
    String argument = "";
    String reason = "no reason given";
    Path state = Path.of("");
    String model = "";
    @Nullable String baseUrl;
    @Nullable String apiKey;
    boolean help;
    boolean version;

    /** The arguments, as picocli reads them. */
    @picocli.CommandLine.Command(name = "RefundAssistant", usageHelpAutoWidth = false, sortOptions = false,
        description = "The refund desk: ask a question, then approve or reject the refund it waits on. Each run"
            + " reads and writes the conversation in the --state file.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed (the reason on standard error)", "2:bad arguments"})
    static final class Args {
      @picocli.CommandLine.Parameters(index = "0", paramLabel = "COMMAND",
          description = "ask, approve or reject")
      String verb = "";

      @picocli.CommandLine.Parameters(index = "1", paramLabel = "ARGUMENT",
          description = "the question (ask) or the waiting call's id (approve, reject)")
      String argument = "";

      @picocli.CommandLine.Option(names = "--state", paramLabel = "FILE", required = true,
          description = "the conversation's file (read, then written)")
      @Nullable String state;

      @picocli.CommandLine.Option(names = "--reason", paramLabel = "TEXT", description = "why (reject only)")
      @Nullable String reason;

      @picocli.CommandLine.Option(names = "--base-url", paramLabel = "URL",
          description = "the provider (default: OPENAI_BASE_URL, else OpenAI)")
      @Nullable String baseUrl;

      @picocli.CommandLine.Option(names = "--api-key", paramLabel = "KEY", description = "the key (default: OPENAI_API_KEY)")
      @Nullable String apiKey;

      @picocli.CommandLine.Option(names = "--model", paramLabel = "NAME",
          description = "the model (default: OPENAI_MODEL, else gpt-4o-mini)")
      @Nullable String model;

      @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
      boolean help;

      @picocli.CommandLine.Option(names = {"-V", "--version"}, versionHelp = true,
          description = "Print version information and exit.")
      boolean version;
    }

    /** The generated usage. */
    static String usage() {
      return new picocli.CommandLine(new Args()).getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
    }

    /** The project version, from a resource the build filters. */
    static String version() {
      return dev.toolguard.examples.openai.ExampleVersion.read();
    }

    static Command parse(String[] args) {
      Args a = new Args();
      picocli.CommandLine cli = new picocli.CommandLine(a);
      try {
        cli.parseArgs(args);
      } catch (picocli.CommandLine.ParameterException e) {
        if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
          a.help = cli.isUsageHelpRequested();
        } else {
          throw new IllegalArgumentException(e.getMessage());
        }
      }
      Command c = new Command();
      c.help = a.help;
      c.version = a.version;
      if (c.help || c.version) {
        return c;
      }
      c.verb = a.verb;
      c.argument = a.argument;
      c.baseUrl = a.baseUrl;
      c.apiKey = a.apiKey;
      if (!List.of("ask", "approve", "reject").contains(c.verb)) {
        throw new IllegalArgumentException("unknown command '" + c.verb + "'; one of ask, approve, reject");
      }
      if (a.reason != null) {
        if (!c.verb.equals("reject")) {
          throw new IllegalArgumentException("--reason goes with reject");
        }
        c.reason = a.reason;
      }
      if (c.argument.isBlank()) {
        throw new IllegalArgumentException(c.verb + " needs a non-empty argument");
      }
      if (a.state == null || a.state.isBlank()) {
        throw new IllegalArgumentException("--state FILE is required: the conversation lives there");
      }
      c.state = Path.of(a.state);
      String envModel = System.getenv("OPENAI_MODEL");
      c.model = a.model != null ? a.model : envModel != null && !envModel.isBlank() ? envModel : "gpt-4o-mini";
      return c;
    }
  }
}
