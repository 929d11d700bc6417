-- the example app's own side effects: one row per payment that PaymentTools.pay made. toolguard's
-- tables (toolguard_conversation, toolguard_call_journal) are created by toolguard-jdbc itself
-- (toolguard.jdbc-create-tables) or by its migrations. Portable to H2 and PostgreSQL.
CREATE TABLE IF NOT EXISTS payments (
    invoice VARCHAR(100) NOT NULL,
    amount INT NOT NULL,
    instance VARCHAR(100) NOT NULL,
    paid_at TIMESTAMP NOT NULL
);
