package dev.toolguard.examples.langchain4j.app;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.ArrayList;
import java.util.List;

/**
 * The assistant's tools, plain LangChain4j {@code @Tool} methods: reading the balance is harmless,
 * moving money needs the user's approval (see {@link BankAssistant}).
 */
public class BankTools {

  private double balance;
  private final List<String> transfers = new ArrayList<>();

  /** An account holding {@code balance} euros. */
  public BankTools(double balance) {
    this.balance = balance;
  }

  /** The balance, in euros. */
  @Tool("The balance of the user's account, in euros")
  public synchronized String balance() {
    return String.format(java.util.Locale.ROOT, "%.2f EUR", balance);
  }

  /** Transfers {@code amount} euros to {@code to}. */
  @Tool("Transfers an amount in euros from the user's account to someone")
  public synchronized String transfer(@P("who gets the money") String to, @P("the amount in euros") double amount) {
    if (amount <= 0 || amount > balance) {
      throw new IllegalArgumentException("cannot transfer " + amount + " EUR with " + balance + " EUR on the account");
    }
    balance -= amount;
    transfers.add(amount + " EUR to " + to);
    return String.format(java.util.Locale.ROOT, "sent %.2f EUR to %s; balance %.2f EUR", amount, to, balance);
  }

  /** The transfers made, in order. */
  public synchronized List<String> transfers() {
    return List.copyOf(transfers);
  }
}
