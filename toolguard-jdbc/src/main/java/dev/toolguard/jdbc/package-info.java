/**
 * A {@link dev.toolguard.core.loop.CallJournal} and a {@link dev.toolguard.core.conversation.ConversationStore},
 * each in one database table over JDBC, shared by every instance.
 */
@NullMarked
package dev.toolguard.jdbc;

import org.jspecify.annotations.NullMarked;
