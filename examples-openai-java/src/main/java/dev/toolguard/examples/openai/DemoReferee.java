package dev.toolguard.examples.openai;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.RecordedRequest;
import dev.toolguard.testkit.Reply;
import dev.toolguard.testkit.ScriptedModel;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The testkit referee scripted as a refund desk model, to try {@link
 * dev.toolguard.examples.openai.app.RefundAssistant} with no network and no key:
 * {@code java -cp toolguard-examples-openai-java.jar dev.toolguard.examples.openai.DemoReferee [--port N]}
 * prints the base URL to give the app ({@code --base-url}) and serves until killed.
 *
 * <p>The scripted model: asked to refund an order ({@code A-1001}), it looks the order up with
 * {@code order_status}, then asks for {@code refund} of the order total, then says what the refund
 * tool answered. Every request is checked by the referee's rules first.
 */
public final class DemoReferee {

  private static final Pattern ORDER = Pattern.compile("\\b[A-Z]-\\d+\\b");
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private DemoReferee() {}

  /** The command line (picocli). */
  @picocli.CommandLine.Command(name = "demo-referee", mixinStandardHelpOptions = true,
      versionProvider = DemoReferee.Version.class,
      description = "Starts the testkit referee with the refund desk model, prints its OpenAI base URL (for"
          + " RefundAssistant's --base-url) and serves until killed.",
      exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:--help or --version", "1:the port cannot be bound",
          "2:bad arguments"})
  static final class Command implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Option(names = "--port", paramLabel = "N", defaultValue = "0",
        description = "the port, 0 to 65535; 0 (the default) picks a free one")
    int port;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.@org.jspecify.annotations.Nullable CommandSpec spec;

    @org.jspecify.annotations.Nullable ProviderReferee referee;

    @Override
    public Integer call() {
      if (port < 0 || port > 65535) {
        throw new picocli.CommandLine.ParameterException(java.util.Objects.requireNonNull(spec).commandLine(),
            "--port needs a number from 0 to 65535, got " + port);
      }
      try {
        referee = ProviderReferee.builder().port(port).start();
      } catch (java.io.UncheckedIOException e) {
        System.err.println("demo-referee: " + e.getMessage());
        return 1;
      }
      return 0;
    }
  }

  /** {@code --version}: the project version, from a resource the build filters. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"demo-referee " + TourWay.Options.version()};
    }
  }

  /** Starts the scripted referee, prints its OpenAI base URL, and serves until the process is killed. */
  public static void main(String[] args) throws InterruptedException {
    Command command = new Command();
    int status = new picocli.CommandLine(command).execute(args);
    ProviderReferee referee = command.referee;
    if (referee == null) {
      System.exit(status);
      return;
    }
    script(referee);
    System.out.println(referee.openAiBaseUrl());
    System.out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      referee.close();
      stopped.countDown();
    }, "demo-referee-shutdown"));
    stopped.await();
  }

  /** Makes {@code referee}'s model the refund desk model. */
  public static void script(ProviderReferee referee) {
    referee.script().respondWith(DemoReferee::reply);
  }

  static Reply reply(RecordedRequest request) {
    if (request.endsWithToolResult()) {
      String result = request.lastToolResult() == null ? "" : request.lastToolResult();
      JsonNode json = parse(result);
      if (json.path("status").asText().equals("delivered")) {
        return Reply.toolCall("refund", JSON.createObjectNode().put("orderId", json.path("orderId").asText())
            .put("amount", json.path("total").decimalValue()).toString());
      }
      if (json.has("refundId")) {
        String amount = json.path("amount").decimalValue().setScale(2, RoundingMode.HALF_EVEN).toPlainString();
        return Reply.text("Refunded " + amount + " on order " + json.path("orderId").asText()
            + " (refund " + json.path("refundId").asText() + ").");
      }
      return Reply.text("The refund did not go through: " + result);
    }
    String said = request.lastUserText() == null ? "" : request.lastUserText();
    Matcher order = ORDER.matcher(said);
    if (said.toLowerCase(Locale.ROOT).contains("refund")) {
      if (order.find()) {
        return Reply.toolCall("order_status", JSON.createObjectNode().put("orderId", order.group()).toString());
      }
      return Reply.text("Which order? Give me its number, e.g. A-1001.");
    }
    return ScriptedModel.defaultReply(request);
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }
}
