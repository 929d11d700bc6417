package dev.toolguard.hosting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResponseStore} in one database table, shared by every instance of the hosted endpoint
 * (PostgreSQL and H2; the body column is {@code TEXT}). Each response is one insert on its primary
 * key; nothing is ever updated.
 *
 * <pre>{@code
 * CREATE TABLE toolguard_hosted_response (
 *   id VARCHAR(64) PRIMARY KEY, conversation VARCHAR(255) NOT NULL, version BIGINT NOT NULL, body TEXT NOT NULL)
 * }</pre>
 */
public final class JdbcResponseStore implements ResponseStore {

  /** The table's name. */
  public static final String TABLE = "toolguard_hosted_response";

  private final DataSource dataSource;

  private JdbcResponseStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * A store on {@code dataSource}; {@link #createTable()} makes its table when it is missing.
   *
   * @throws IllegalArgumentException if {@code dataSource} is null
   */
  public static JdbcResponseStore of(DataSource dataSource) {
    if (dataSource == null) {
      throw new IllegalArgumentException("dataSource must not be null");
    }
    return new JdbcResponseStore(dataSource);
  }

  /** Creates the table if it does not exist (or run the DDL above with your migrations). */
  public JdbcResponseStore createTable() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE IF NOT EXISTS " + TABLE + " (id VARCHAR(64) PRIMARY KEY,"
          + " conversation VARCHAR(255) NOT NULL, version BIGINT NOT NULL, body TEXT NOT NULL)");
      return this;
    } catch (SQLException e) {
      throw new IllegalStateException("could not create table " + TABLE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void save(Stored response) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE
            + " (id, conversation, version, body) VALUES (?, ?, ?, ?)")) {
      s.setString(1, response.id());
      s.setString(2, response.conversation());
      s.setLong(3, response.version());
      s.setString(4, response.body());
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("could not save response " + response.id() + " in " + TABLE + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public @Nullable Stored find(String id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT conversation, version, body FROM " + TABLE
            + " WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? new Stored(id, r.getString(1), r.getLong(2), r.getString(3)) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read response " + id + " from " + TABLE + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "JdbcResponseStore[" + TABLE + "]";
  }
}
