package dev.toolguard.examples.springai.app;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/**
 * The app's tools: {@code pay} waits for a human's approval ({@code toolguard.approval-required=pay}
 * in {@code application.properties}), {@code balance} runs at once.
 */
@Component
public class PaymentTools {

  private final AtomicInteger balance = new AtomicInteger(100);
  private final AtomicInteger payments = new AtomicInteger();

  /** Creates the tools with a balance of 100 EUR. */
  public PaymentTools() {}

  /** Pays an invoice. */
  @Tool(description = "Pays an invoice from the user's account. Needs the user's approval.")
  public String pay(@ToolParam(description = "the invoice number") String invoice,
      @ToolParam(description = "the amount in EUR") int amount) {
    payments.incrementAndGet();
    return "paid " + amount + " EUR for " + invoice + "; balance " + balance.addAndGet(-amount) + " EUR";
  }

  /** The balance. */
  @Tool(description = "The balance of the user's account in EUR")
  public String balance() {
    return balance.get() + " EUR";
  }

  /** How many payments were made. */
  public int payments() {
    return payments.get();
  }
}
