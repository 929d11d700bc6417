-- the chat memory of the example app (JdbcChatMemoryStore): one row per message, the message as JSON
CREATE TABLE IF NOT EXISTS TOOLGUARD_CHAT_MEMORY (
    conversation_id VARCHAR(100) NOT NULL,
    seq INT NOT NULL,
    message CLOB NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
