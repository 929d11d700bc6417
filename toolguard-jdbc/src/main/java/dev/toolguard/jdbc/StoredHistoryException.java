package dev.toolguard.jdbc;

/**
 * A conversation's history and the store's {@link dev.toolguard.core.conversation.HistoryCodec} do not
 * fit: the stored text is not a history the codec can read (it was written by another codec, or changed
 * by something other than the store), or the codec cannot write the history being saved. The message
 * names the conversation, the table and the codec; the codec's exception is the cause.
 */
public class StoredHistoryException extends ConversationStoreException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param conversation the conversation key
   * @param message what does not fit, where, and what to do
   * @param cause the codec's exception
   */
  public StoredHistoryException(String conversation, String message, Throwable cause) {
    super(conversation, message, cause);
  }
}
