package dev.toolguard.openai;

import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import dev.toolguard.core.InvalidMessageException;
import dev.toolguard.core.Message;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.openai.internal.ChatMapper;
import dev.toolguard.openai.internal.OpenAiJson;
import dev.toolguard.openai.internal.ResponsesMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * openai-java messages and items as toolguard's core history, and back; and the core history as
 * JSON, to store a conversation (pending approvals included) and go on with it in another process.
 *
 * <p>Every message or content keeps the openai-java object it was read from: converting an
 * unchanged history back gives the very same objects, and one that toolguard changed is rebuilt
 * from those objects' builders, so the fields core does not model (ids, status, names, additional
 * properties) stay. Approval contents are left out when converting back: they are never sent.
 */
public final class OpenAiHistory {

  private OpenAiHistory() {}

  /** The core history of Chat Completions messages: one message per param, results in TOOL messages. */
  public static List<Message> fromChat(List<ChatCompletionMessageParam> messages) {
    return ChatMapper.toCore(require(messages, "messages"));
  }

  /** The Chat Completions messages of a core history (one tool message per result). */
  public static List<ChatCompletionMessageParam> toChat(List<Message> history) {
    return ChatMapper.toWire(require(history, "history"));
  }

  /**
   * The core history of Responses input items: model items that follow each other (reasoning,
   * assistant text, calls) form one assistant message, outputs that follow each other one TOOL
   * message.
   */
  public static List<Message> fromResponses(List<ResponseInputItem> items) {
    return ResponsesMapper.toCore(require(items, "items"));
  }

  /** The Responses input items of a core history. */
  public static List<ResponseInputItem> toResponses(List<Message> history) {
    return ResponsesMapper.toWire(require(history, "history"));
  }

  /** The output items of a response as input items, to append to the input of the next request. */
  public static List<ResponseInputItem> inputItems(List<ResponseOutputItem> output) {
    return ResponsesMapper.inputItems(require(output, "output"));
  }

  /**
   * {@code history} in toolguard's native history JSON ({@code dev.toolguard.json.HistoryJson}):
   * every message, content and metadata entry, approval requests and responses included; the
   * openai-java objects it carries are written as their wire JSON by openai-java's own mapper.
   *
   * @throws ToolguardException naming the path if a metadata value or an opaque payload is of a type
   *     the format cannot hold
   */
  public static String toJson(List<Message> history) {
    return OpenAiJson.write(history);
  }

  /**
   * The history written by {@link #toJson}, equal to the one written, with its openai-java objects
   * restored. A native history written elsewhere reads too.
   *
   * @throws ToolguardException naming the path and the rule if {@code json} is not such a history
   */
  public static List<Message> fromJson(String json) {
    return OpenAiJson.read(json);
  }

  /**
   * Writes {@code history} to {@code file} as JSON (UTF-8), through a temporary file moved into
   * place, so that a crash never leaves half a history.
   *
   * @throws ToolguardException if the file cannot be written
   */
  public static void write(Path file, List<Message> history) {
    String json = toJson(history);
    Path target = require(file, "file").toAbsolutePath();
    try {
      Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
      try {
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new ToolguardException("could not write the history to " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a history written by {@link #write}.
   *
   * @throws ToolguardException if the file cannot be read or holds no history
   */
  public static List<Message> read(Path file) {
    try {
      return fromJson(Files.readString(require(file, "file"), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ToolguardException("could not read the history from " + file + ": " + e.getMessage(), e);
    }
  }

  private static <T> T require(T value, String name) {
    if (value == null) {
      throw new InvalidMessageException(name + " is null");
    }
    return value;
  }
}
