package dev.toolguard.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** {@link JdbcResponseStore} on H2 (PostgreSQL runs in {@link TwoInstancesTest}). */
class JdbcResponseStoreTest {

  @Test
  void keepsEachResponseOnceAndFindsItByIdAcrossStoreInstances() {
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:responses;DB_CLOSE_DELAY=-1");
    JdbcResponseStore one = JdbcResponseStore.of(db).createTable();
    JdbcResponseStore two = JdbcResponseStore.of(db).createTable(); // creating it again is a no-op

    String body = "{\"id\":\"resp_1\",\"output\":[" + "{\"type\":\"message\"},".repeat(2000) + "{}]}";
    one.save(new ResponseStore.Stored("resp_1", "conv_a", 3, body));

    assertThat(two.find("resp_1")).isEqualTo(new ResponseStore.Stored("resp_1", "conv_a", 3, body));
    assertThat(two.find("resp_2")).isNull();
    assertThatThrownBy(() -> two.save(new ResponseStore.Stored("resp_1", "conv_b", 1, "{}")))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("could not save response resp_1 in"
            + " toolguard_hosted_response: ");
    assertThat(one.find("resp_1").conversation()).isEqualTo("conv_a");
  }

  @Test
  void inMemoryStoreKeepsTheLastResponses() {
    ResponseStore store = ResponseStore.inMemory(2);
    for (int i = 1; i <= 3; i++) {
      store.save(new ResponseStore.Stored("resp_" + i, "conv", i, "{}"));
    }
    assertThat(store.find("resp_1")).isNull();
    assertThat(store.find("resp_3").version()).isEqualTo(3);
    assertThatThrownBy(() -> ResponseStore.inMemory(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be at least 1, was 0");
  }
}
