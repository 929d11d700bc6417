package dev.toolguard.core.conversation;

import dev.toolguard.core.Message;
import java.util.List;

/**
 * Turns a history into text and back, for stores that keep conversations as text (a database column,
 * a file). {@code decode(encode(h))} equals {@code h}: every content, metadata value and provider
 * item comes back. toolguard-json's {@code HistoryJson.codec()} is the one toolguard ships.
 */
public interface HistoryCodec {

  /** {@code history} as text. */
  String encode(List<Message> history);

  /**
   * The history that {@code text} holds.
   *
   * @throws dev.toolguard.core.ToolguardException (or a subclass) naming what is wrong and where, if
   *     {@code text} is not a history this codec wrote
   */
  List<Message> decode(String text);
}
