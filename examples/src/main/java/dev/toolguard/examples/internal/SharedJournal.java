package dev.toolguard.examples.internal;

import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolResult;
import dev.toolguard.jdbc.JdbcCallJournal;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/**
 * The call journal that the two instances of {@code two-instances} share: toolguard-jdbc's {@link
 * JdbcCallJournal} on one in-memory H2 database of its own (a fresh one per call), which stands for the
 * database that the instances behind a load balancer share.
 */
public final class SharedJournal {

  private SharedJournal() {}

  /** A journal in a new in-memory H2 database, its table created on first use. */
  public static JdbcCallJournal h2() {
    return JdbcCallJournal.builder(h2Database()).createTable(true).build();
  }

  /** A new in-memory H2 database (kept until the JVM ends), for instances that share it. */
  public static JdbcDataSource h2Database() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:toolguard-tour-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  /** The output of the result of {@code callId} in {@code history}, or null when it has none. */
  public static @Nullable String resultOf(List<Message> history, String callId) {
    for (Message m : history) {
      for (Content c : m.contents()) {
        if (c instanceof ToolResult r && r.callId().equals(callId)) {
          return r.output();
        }
      }
    }
    return null;
  }
}
