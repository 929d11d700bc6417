package dev.toolguard.examples.springai.app;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The app's tools: {@code pay} waits for a human's approval ({@code toolguard.approval-required=pay}
 * in {@code application.properties}), {@code balance} runs at once.
 *
 * <p>A payment is the app's own side effect: a row of its {@code payments} table ({@code schema.sql};
 * invoice, amount, the instance that paid, when), in the app's database beside toolguard's tables but
 * apart from them. The balance is 100 EUR less what that table holds.
 *
 * <p>With {@code app.payments.hang-prefix} set (unset by default), {@code pay} of an invoice starting
 * with that prefix records the payment and then hangs for up to {@link #HANG}, interruptibly: how
 * {@code ScaleOut} simulates an instance that dies in the middle of a call.
 */
@Component
public class PaymentTools {

  /** How long a payment of a hang-prefixed invoice hangs after recording itself: {@value} minutes. */
  public static final long HANG_MINUTES = 3;

  static final Duration HANG = Duration.ofMinutes(HANG_MINUTES);
  static final int OPENING_BALANCE = 100;

  private final JdbcClient jdbc;
  private final String instance;
  private final @Nullable String hangPrefix;

  /**
   * The tools on the app's database.
   *
   * @param jdbc the app's database, which holds the {@code payments} table
   * @param instance this instance's name in the table ({@code app.instance}; default the process id)
   * @param hangPrefix invoices whose payment hangs after recording itself ({@code
   *     app.payments.hang-prefix}), or empty for none
   */
  public PaymentTools(JdbcClient jdbc, @Value("${app.instance:}") String instance,
      @Value("${app.payments.hang-prefix:}") String hangPrefix) {
    this.jdbc = jdbc;
    this.instance = instance.isBlank() ? "pid-" + ProcessHandle.current().pid() : instance;
    this.hangPrefix = hangPrefix.isBlank() ? null : hangPrefix;
  }

  /** Pays an invoice: records the payment, then answers with the new balance. */
  @Tool(description = "Pays an invoice from the user's account. Needs the user's approval.")
  public String pay(@ToolParam(description = "the invoice number") String invoice,
      @ToolParam(description = "the amount in EUR") int amount) {
    jdbc.sql("INSERT INTO payments (invoice, amount, instance, paid_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")
        .params(invoice, amount, instance)
        .update();
    if (hangPrefix != null && invoice.startsWith(hangPrefix)) {
      hang();
    }
    return "paid " + amount + " EUR for " + invoice + "; balance " + balanceEur() + " EUR";
  }

  /** The balance. */
  @Tool(description = "The balance of the user's account in EUR")
  public String balance() {
    return balanceEur() + " EUR";
  }

  /** How many payments the table holds (of every instance). */
  public int payments() {
    return jdbc.sql("SELECT COUNT(*) FROM payments").query(Integer.class).single();
  }

  /** How many payments the table holds for {@code invoice}. */
  public int payments(String invoice) {
    return jdbc.sql("SELECT COUNT(*) FROM payments WHERE invoice = ?").param(invoice).query(Integer.class).single();
  }

  private long balanceEur() {
    Long paid = jdbc.sql("SELECT COALESCE(SUM(amount), 0) FROM payments").query(Long.class).single();
    return OPENING_BALANCE - (paid == null ? 0 : paid);
  }

  /** Hangs like an instance that stopped mid-call; an interrupt (toolguard's call timeout) ends it. */
  private static void hang() {
    try {
      Thread.sleep(HANG.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the payment was interrupted after it was recorded", e);
    }
    throw new IllegalStateException("the payment hung for " + HANG + " after it was recorded");
  }
}
