package dev.toolguard.examples.springai.app;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A Spring Boot app with toolguard: a {@code ChatClient} whose tool loop is toolguard's advisor,
 * a chat memory on a JDBC table, and an approval endpoint ({@link ApprovalController}). A {@code
 * pay} call waits for a human; the waiting call lives in the stored history (signed), so any
 * instance can resume it, after a restart too. toolguard's advisor is the auto-configured one: the
 * {@code toolguard.*} properties give it the approval rule, this chat memory and the signing key.
 */
@SpringBootApplication
public class ApprovalApp {

  /** Creates the configuration. */
  public ApprovalApp() {}

  /** Starts the app. */
  public static void main(String[] args) {
    SpringApplication.run(ApprovalApp.class, args);
  }

  /** The chat memory's store: whole messages as JSON rows (Spring AI's JDBC repository keeps text only). */
  @Bean
  public JdbcChatMemoryStore chatMemoryRepository(JdbcClient jdbc, TransactionTemplate transactions) {
    return new JdbcChatMemoryStore(jdbc, transactions);
  }

  /** The chat memory; toolguard's auto-configuration wraps it so that it never hands out a broken history. */
  @Bean
  public ChatMemory chatMemory(JdbcChatMemoryStore store) {
    return MessageWindowChatMemory.builder().chatMemoryRepository(store).maxMessages(100).build();
  }

  /** The chat client; toolguard's auto-configuration has added the advisor to Boot's builder. */
  @Bean
  public ChatClient chatClient(ChatClient.Builder builder, PaymentTools tools) {
    return builder
        .defaultSystem("You help the user with payments. Use the tools; a payment waits for the user's approval.")
        .defaultTools(tools)
        .build();
  }
}
