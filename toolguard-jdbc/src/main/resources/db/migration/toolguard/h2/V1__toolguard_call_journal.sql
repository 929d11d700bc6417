-- toolguard-jdbc: the call journal (H2). One row per waiting call that a run claimed:
-- CLAIMED while a holder runs it (until lease_until), DONE with its result. Times are epoch milliseconds
-- from the application's clock. JdbcCallJournal.builder(dataSource).createTable(true) runs this file too.
CREATE TABLE IF NOT EXISTS toolguard_call_journal (
  conversation     VARCHAR(255) NOT NULL,
  call_id          VARCHAR(255) NOT NULL,
  nonce            VARCHAR(255) NOT NULL,
  tool             VARCHAR(255) NOT NULL,
  fingerprint      VARCHAR(64)  NOT NULL,
  state            VARCHAR(8)   NOT NULL,
  holder           VARCHAR(64)  NOT NULL,
  lease_until      BIGINT       NOT NULL,
  result_name      VARCHAR(255),
  result_output    CLOB,
  result_error     BOOLEAN,
  result_synthetic VARCHAR(32),
  created_at       BIGINT       NOT NULL,
  completed_at     BIGINT,
  PRIMARY KEY (conversation, call_id, nonce)
);
CREATE INDEX IF NOT EXISTS toolguard_call_journal_completed_idx ON toolguard_call_journal (completed_at);
