package dev.toolguard.examples.langchain4j.app;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A {@link ChatMemoryStore} in a directory, one JSON file per memory id, written with LangChain4j's own
 * {@link ChatMessageSerializer}: the conversation — and a call waiting for approval in it — outlives
 * the process. Stand-in for your database.
 */
public final class FileChatMemoryStore implements ChatMemoryStore {

  private final Path directory;

  /** A store in {@code directory} (created when missing). */
  public FileChatMemoryStore(Path directory) {
    try {
      this.directory = Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
  }

  private Path file(Object memoryId) {
    return directory.resolve(memoryId.toString().replaceAll("[^A-Za-z0-9_-]", "_") + ".json");
  }

  @Override
  public List<ChatMessage> getMessages(Object memoryId) {
    Path file = file(memoryId);
    try {
      return Files.exists(file)
          ? ChatMessageDeserializer.messagesFromJson(Files.readString(file, StandardCharsets.UTF_8))
          : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public void updateMessages(Object memoryId, List<ChatMessage> messages) {
    Path file = file(memoryId);
    try {
      Path tmp = Files.createTempFile(directory, "memory-", ".tmp");
      Files.writeString(tmp, ChatMessageSerializer.messagesToJson(messages), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void deleteMessages(Object memoryId) {
    try {
      Files.deleteIfExists(file(memoryId));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file(memoryId), e);
    }
  }
}
