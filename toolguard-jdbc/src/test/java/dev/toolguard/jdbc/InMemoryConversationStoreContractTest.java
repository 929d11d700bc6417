package dev.toolguard.jdbc;

import dev.toolguard.core.conversation.ConversationStore;

/** The contract on {@link ConversationStore#inMemory()}: the JDBC store has the semantics of the in-memory one. */
class InMemoryConversationStoreContractTest extends ConversationStoreContract {

  @Override
  ConversationStore emptyStore() {
    return ConversationStore.inMemory();
  }
}
