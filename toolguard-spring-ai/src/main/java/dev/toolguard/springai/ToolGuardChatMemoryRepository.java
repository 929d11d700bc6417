package dev.toolguard.springai;

import dev.toolguard.core.Content;
import dev.toolguard.core.Message;
import dev.toolguard.core.Opaque;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.springai.internal.MessageMapper;
import dev.toolguard.core.conversation.ThreadVersions;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.content.Media;
import org.springframework.util.MimeType;

/**
 * A Spring AI {@link ChatMemoryRepository} over a toolguard {@link ConversationStore} that keeps whole
 * messages: text, tool calls, tool responses, toolguard's waiting calls and answers, metadata and media
 * come back as they were saved. With toolguard-jdbc's {@code JdbcConversationStore} the conversations
 * live in one database table, the same one {@link ToolGuardAdvisor} keeps its conversations in.
 *
 * <pre>{@code
 * ConversationStore store = JdbcConversationStore.of(dataSource, HistoryJson.codec());
 * ChatMemory memory = MessageWindowChatMemory.builder()
 *     .chatMemoryRepository(ToolGuardChatMemoryRepository.of(store))
 *     .build();
 * }</pre>
 *
 * <p><b>Writes never silently overwrite.</b> {@link #saveAll} replaces the conversation and names the
 * version that the calling thread last read (with {@link #findByConversationId}) or wrote; if another
 * writer saved the conversation since, it throws {@link ConversationConflictException} and writes
 * nothing. {@code MessageWindowChatMemory.add} reads and saves on one thread, so two requests that add
 * to one conversation at once (two instances, a double click) never lose a message: the second fails and
 * can be repeated on the fresh conversation. A thread that saves a conversation it has not read (or whose
 * version it forgot: each thread remembers its last {@value ThreadVersions#PER_THREAD} conversations) saves
 * over the version stored at that moment. {@link #deleteByConversationId} saves an empty conversation
 * the same way, so a deletion does not reset the version a racing writer read.
 *
 * <p>Mapping: each Spring AI message is mapped to a core message as {@link ToolGuardAdvisor} maps it;
 * what Spring AI has no field for travels in metadata; a {@link Media} is kept as its MIME type, its data
 * (a URL text or the bytes; a {@code Resource} is read into bytes), its id and its name. Metadata values
 * must be of a type the store's codec keeps (with {@code HistoryJson.codec()}: strings, booleans,
 * numbers, lists, maps, JSON trees); others fail the save naming the value's path. Instances are
 * thread-safe.
 */
public final class ToolGuardChatMemoryRepository implements ChatMemoryRepository {

  /** Core metadata of a stored media item: its data was bytes (Base64 in the payload). */
  static final String MEDIA_BYTES = "bytes";

  private final ConversationStore store;
  private final ThreadVersions versions;

  private ToolGuardChatMemoryRepository(ConversationStore store) {
    this.store = store;
    this.versions = new ThreadVersions(store);
  }

  /**
   * A repository over {@code store}.
   *
   * @throws IllegalArgumentException if {@code store} is null
   */
  public static ToolGuardChatMemoryRepository of(ConversationStore store) {
    if (store == null) {
      throw new IllegalArgumentException("store must not be null: pass a ConversationStore, for example"
          + " JdbcConversationStore.of(dataSource, HistoryJson.codec())");
    }
    return new ToolGuardChatMemoryRepository(store);
  }

  /** The store this repository keeps conversations in. */
  public ConversationStore store() {
    return store;
  }

  /**
   * The ids of the conversations that hold at least one message (a deleted conversation is kept empty
   * and is not listed).
   *
   * @throws UnsupportedOperationException if the store cannot list its conversations
   */
  @Override
  public List<String> findConversationIds() {
    List<String> ids = new ArrayList<>();
    for (String key : store.keys()) {
      if (!store.load(key).messages().isEmpty()) {
        ids.add(key);
      }
    }
    return ids;
  }

  /** The conversation's messages as saved (empty for one never saved); remembers the version read. */
  @Override
  public List<org.springframework.ai.chat.messages.Message> findByConversationId(String conversationId) {
    String key = requireId(conversationId);
    List<dev.toolguard.core.Message> stored = versions.read(key);
    return new MessageMapper().toSpring(fromStored(stored));
  }

  /**
   * Replaces the conversation with {@code messages}, naming the version this thread last read or wrote.
   *
   * @throws ConversationConflictException if another writer saved the conversation since (nothing was
   *     written; this thread forgets the version, so that reading again and repeating succeeds)
   */
  @Override
  public void saveAll(String conversationId, List<org.springframework.ai.chat.messages.Message> messages) {
    String key = requireId(conversationId);
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null; pass an empty list to empty the conversation");
    }
    List<Message> core = toStored(new MessageMapper().toCore(messages));
    save(key, core);
  }

  /** Empties the conversation (a versioned save of no messages, with the semantics of {@link #saveAll}). */
  @Override
  public void deleteByConversationId(String conversationId) {
    String key = requireId(conversationId);
    save(key, List.of());
  }

  private void save(String key, List<Message> core) {
    versions.write(key, core);
  }

  private static String requireId(String conversationId) {
    if (conversationId == null || conversationId.isBlank()) {
      throw new IllegalArgumentException("conversationId must not be null or blank: name the conversation");
    }
    return conversationId;
  }

  // ---- media: a Spring AI Media object in core becomes plain values the store's codec keeps, and back

  private static List<Message> toStored(List<Message> history) {
    List<Message> out = new ArrayList<>(history.size());
    for (Message m : history) {
      List<Content> contents = new ArrayList<>(m.contents().size());
      boolean changed = false;
      for (Content c : m.contents()) {
        if (c instanceof Opaque o && MessageMapper.MEDIA.equals(o.kind()) && o.payload() instanceof Media media) {
          contents.add(new Opaque(MessageMapper.MEDIA, mediaMap(media), o.metadata()));
          changed = true;
        } else {
          contents.add(c);
        }
      }
      out.add(changed ? new Message(m.role(), contents, m.metadata()) : m);
    }
    return out;
  }

  private static List<Message> fromStored(List<Message> history) {
    List<Message> out = new ArrayList<>(history.size());
    for (Message m : history) {
      List<Content> contents = new ArrayList<>(m.contents().size());
      boolean changed = false;
      for (Content c : m.contents()) {
        if (c instanceof Opaque o && MessageMapper.MEDIA.equals(o.kind()) && o.payload() instanceof Map<?, ?> map) {
          contents.add(new Opaque(MessageMapper.MEDIA, media(map), o.metadata()));
          changed = true;
        } else {
          contents.add(c);
        }
      }
      out.add(changed ? new Message(m.role(), contents, m.metadata()) : m);
    }
    return out;
  }

  private static Map<String, Object> mediaMap(Media media) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("mimeType", media.getMimeType().toString());
    Object data = media.getData();
    if (data instanceof String || data instanceof URI || data instanceof URL) {
      map.put("url", data.toString());
    } else {
      map.put(MEDIA_BYTES, Base64.getEncoder().encodeToString(media.getDataAsByteArray()));
    }
    if (media.getId() != null) {
      map.put("id", media.getId());
    }
    if (media.getName() != null) {
      map.put("name", media.getName());
    }
    return map;
  }

  private static Media media(Map<?, ?> map) {
    if (!(map.get("mimeType") instanceof String mime)) {
      throw new ToolguardException("a stored media item has no 'mimeType'; it was changed outside toolguard");
    }
    Media.Builder b = Media.builder().mimeType(MimeType.valueOf(mime));
    if (map.get("url") instanceof String url) {
      b.data(url);
    } else if (map.get(MEDIA_BYTES) instanceof String bytes) {
      b.data(Base64.getDecoder().decode(bytes));
    } else {
      throw new ToolguardException("a stored media item has neither 'url' nor 'bytes'; it was changed outside"
          + " toolguard");
    }
    if (map.get("id") instanceof String id) {
      b.id(id);
    }
    if (map.get("name") instanceof String name) {
      b.name(name);
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "ToolGuardChatMemoryRepository[" + store + "]";
  }
}
