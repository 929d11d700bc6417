package dev.toolguard.examples.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** The tool of the approval scenarios, as an application writes it: it counts the payments it made. */
public final class Payments {

  /** What the user asks. */
  static final String REQUEST = "Pay Bob 40 EUR for the concert tickets, with the pay tool.";

  /** The model's arguments. */
  static final String ARGUMENTS = "{\"to\":\"Bob\",\"amount\":40}";

  final AtomicInteger made = new AtomicInteger();

  /** The instance this tool object runs on ({@code two-instances}), or null: then results do not say. */
  private final @Nullable String instance;

  /** The tool of one application. */
  public Payments() {
    this(null);
  }

  /** The tool of one instance of an application; its results name {@code instance}. */
  public Payments(@Nullable String instance) {
    this.instance = instance;
  }

  /** Pays {@code amount} euros to {@code to}. */
  @Tool("Pays an amount in euros to someone")
  public String pay(@P("who gets the money") String to, @P("the amount in euros") double amount) {
    made.incrementAndGet();
    return "{\"status\":\"paid\",\"to\":\"" + to.replace("\"", "") + "\",\"amount\":" + amount
        + (instance == null ? "" : ",\"instance\":\"" + instance + "\"") + "}";
  }
}
