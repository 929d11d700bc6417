package dev.toolguard.examples.springai;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/** The tools of the tour's conversations, as {@code @Tool} methods that count their runs. */
final class TourTools {

  private TourTools() {}

  /** The weather tool that the broken histories called. */
  public static final class Weather {
    final AtomicInteger calls = new AtomicInteger();

    /** The weather in a city. */
    @Tool(description = "The current weather in a city")
    public String weather(@ToolParam(description = "the city") String city) {
      calls.incrementAndGet();
      return "sunny in " + city;
    }
  }

  /** A payment that needs a human's approval, and a balance that does not. */
  public static final class Payments {
    final AtomicInteger paid = new AtomicInteger();
    private final String on;

    /** The tool of one application. */
    public Payments() {
      this.on = "";
    }

    /** The tool of one instance of an application ({@code two-instances}); its results name it. */
    public Payments(String instance) {
      this.on = " on instance " + instance;
    }

    /** Pays an invoice. */
    @Tool(description = "Pays an invoice; needs the user's approval")
    public String pay(@ToolParam(description = "the invoice number") String invoice,
        @ToolParam(description = "the amount in EUR") int amount) {
      paid.incrementAndGet();
      return "paid " + amount + " EUR for " + invoice + on;
    }

    /** How often {@link #pay} ran. */
    int paid() {
      return paid.get();
    }
  }
}
