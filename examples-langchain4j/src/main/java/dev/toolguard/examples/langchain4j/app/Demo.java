package dev.toolguard.examples.langchain4j.app;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.toolguard.testkit.ProviderReferee;
import dev.toolguard.testkit.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The bank assistant in a few steps: a transfer waits for approval, the assistant is "restarted" over
 * the same database (an H2 file, kept by toolguard's {@code ToolGuardChatMemoryStore}), and the transfer
 * is approved there.
 *
 * <pre>
 * java -cp examples-langchain4j/target/toolguard-examples-langchain4j.jar dev.toolguard.examples.langchain4j.app.Demo
 * java -cp … dev.toolguard.examples.langchain4j.app.Demo BASE_URL API_KEY MODEL     # a real provider
 * </pre>
 *
 * <p>Without arguments it talks to the testkit referee on loopback, with the model's answers scripted.
 */
public final class Demo {

  private Demo() {}

  /** A data source of the H2 database file at {@code url}: a new one per "process". */
  private static JdbcDataSource h2(String url) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(url);
    return ds;
  }

  /** Runs the demo. */
  public static void main(String[] args) throws IOException {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    ProviderReferee referee = args.length == 3 ? null : ProviderReferee.start();
    try {
      String baseUrl = referee == null ? args[0] : referee.openAiBaseUrl();
      String apiKey = referee == null ? args[1] : "demo";
      String modelName = referee == null ? args[2] : "gpt-4o-mini";
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
      System.out.println("alice> Send 40 EUR to Bob, please.");
      BankAssistant.Reply reply = bank.chat("alice", "Send 40 EUR to Bob, please.");
      System.out.println("bank > " + reply);
      if (!(reply instanceof BankAssistant.NeedsApproval waiting) || waiting.calls().isEmpty()) {
        return;
      }
      System.out.println("       (transfers so far: " + account.transfers() + "; memory in " + url + ")");

      BankAssistant restarted = new BankAssistant(model, BankAssistant.databaseStore(h2(url)), account,
          Set.of("transfer"));
      System.out.println("       -- a new assistant over the same database, as after a restart --");
      System.out.println("       waiting: " + restarted.pending("alice"));
      System.out.println("alice> (approves " + waiting.calls().get(0).callId() + ")");
      System.out.println("bank > " + restarted.approve("alice", waiting.calls().get(0).callId()));
      System.out.println("       (transfers: " + account.transfers() + ")");
    } finally {
      if (referee != null) {
        referee.close();
      }
    }
  }
}
