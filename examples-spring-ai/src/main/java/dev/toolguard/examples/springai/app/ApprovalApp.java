package dev.toolguard.examples.springai.app;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot app with toolguard: a {@code ChatClient} whose tool loop is toolguard's advisor, an
 * approval endpoint ({@link ApprovalController}) and a {@code pay} tool that records payments in the
 * app's own table ({@link PaymentTools}). Everything toolguard keeps is in the app's database, through
 * the shipped modules: each conversation whole and versioned ({@code toolguard.memory.store=jdbc},
 * toolguard-jdbc's {@code JdbcConversationStore} with toolguard-json's history JSON) and the claim of
 * every approved call ({@code toolguard.journal=jdbc}, {@code JdbcCallJournal}). A {@code pay} call
 * waits for a human; the waiting call lives in the stored conversation (signed), so any instance that
 * shares the database can resume it, after a restart too, and an approval clicked on two instances at
 * once pays once.
 */
@SpringBootApplication
public class ApprovalApp {

  /** Creates the configuration. */
  public ApprovalApp() {}

  /** Starts the app. */
  public static void main(String[] args) {
    SpringApplication.run(ApprovalApp.class, args);
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
