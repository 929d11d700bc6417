package dev.toolguard.examples.springai;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.messages.Message;

/**
 * A chat memory repository that keeps each conversation as a JSON file ({@link MessageJson}) in a
 * directory: what is read back went through JSON text, and another process can read it.
 */
final class JsonFileChatMemoryRepository implements ChatMemoryRepository {

  private final Path dir;

  JsonFileChatMemoryRepository(Path dir) {
    this.dir = dir;
  }

  Path file(String conversationId) {
    if (!conversationId.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("conversation id '" + conversationId + "' is not a safe file name");
    }
    return dir.resolve(conversationId + ".json");
  }

  @Override
  public List<String> findConversationIds() {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> ids = new ArrayList<>();
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .forEach(n -> ids.add(n.substring(0, n.length() - ".json".length())));
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<Message> findByConversationId(String conversationId) {
    Path file = file(conversationId);
    try {
      return Files.exists(file) ? MessageJson.readAll(Files.readString(file, StandardCharsets.UTF_8)) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void saveAll(String conversationId, List<Message> messages) {
    Path file = file(conversationId);
    try {
      Path tmp = Files.createTempFile(dir, conversationId, ".tmp");
      Files.writeString(tmp, MessageJson.writeAll(messages), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void deleteByConversationId(String conversationId) {
    try {
      Files.deleteIfExists(file(conversationId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
