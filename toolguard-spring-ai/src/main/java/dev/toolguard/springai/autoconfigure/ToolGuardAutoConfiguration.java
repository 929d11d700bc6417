package dev.toolguard.springai.autoconfigure;

import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.ApprovalRules;
import dev.toolguard.core.loop.ApprovalSigner;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.LoopListener;
import dev.toolguard.springai.ToolGuardAdvisor;
import dev.toolguard.springai.ToolGuardChatMemory;
import dev.toolguard.springai.ToolGuardChatMemoryRepository;
import dev.toolguard.springai.ToolGuardRepairAdvisor;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.memory.ChatMemoryRepository;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.memory.ChatMemory;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot auto-configuration of toolguard for Spring AI, registered by {@code
 * toolguard-spring-boot-starter} only (toolguard-spring-ai on its own configures nothing). On when
 * Spring AI's {@code ChatClient} is on the class path and {@code toolguard.enabled} is not false; each
 * behaviour has its own switch:
 *
 * <ul>
 *   <li>a {@link ToolGuardAdvisor} bean built from the {@code toolguard.*} properties (every {@code
 *       LoopConfig} setting), with the application's {@link LoopListener} beans, its {@link
 *       ApprovalRules} and {@link CallJournal} bean, and its {@code ObservationRegistry} (so that each tool
 *       call makes Spring AI's own {@code spring.ai.tool} observation); an application's own
 *       ToolGuardAdvisor bean wins;
 *   <li>a {@link ToolGuardRepairAdvisor} bean with the same listeners, for a {@code ChatClient} that keeps
 *       Spring AI's own tool loop (added to no builder: inject it); an application's own one wins;
 *   <li>{@code toolguard.register-advisor} (default true): the advisor is added to every {@code
 *       ChatClient.Builder} that Spring Boot makes, where it runs the tool loop in place of Spring AI's;
 *   <li>{@code toolguard.observations.enabled} (default true, with toolguard-micrometer and an {@code
 *       ObservationRegistry} bean): toolguard's own observations of runs, requests, tool calls, repairs
 *       and approvals, and counters of repairs and violations in the {@code MeterRegistry} bean;
 *   <li>{@code toolguard.guard-chat-memory} (default false): every {@link ChatMemory} bean wrapped in a
 *       {@link ToolGuardChatMemory}, which changes its type, so only when asked;
 *   <li>{@code toolguard.dialect} (default: picked per request from the chat model's options): the
 *       provider's wire format whose rules both advisors keep;
 *   <li>{@code toolguard.use-chat-memory}, {@code toolguard.memory.store}, {@code
 *       toolguard.memory.repository}, {@code toolguard.journal}: where conversations and claims are kept
 *       (see {@link ToolGuardProperties}).
 * </ul>
 *
 * <p>No bean of the application is wrapped or changes type unless a property asks.
 */
@AutoConfiguration(beforeName = "org.springframework.ai.model.chat.memory.autoconfigure.ChatMemoryAutoConfiguration")
@ConditionalOnClass({ChatClient.class, ToolGuardAdvisor.class})
@ConditionalOnProperty(prefix = "toolguard", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ToolGuardProperties.class)
public class ToolGuardAutoConfiguration {

  /** Creates the auto-configuration. */
  public ToolGuardAutoConfiguration() {}

  /**
   * The advisor, from the properties; a {@link LoopListener}, {@link ApprovalRules} or {@link
   * CallJournal} bean is used when there is one. With {@code toolguard.use-chat-memory} it keeps
   * conversations in the {@link ChatMemory} bean; with {@code toolguard.approval-signing-key} it signs
   * approvals.
   *
   * @throws IllegalArgumentException naming the property when a setting is wrong
   */
  @Bean
  @ConditionalOnMissingBean
  public ToolGuardAdvisor toolGuardAdvisor(ToolGuardProperties properties, ObjectProvider<LoopListener> listener,
      ObjectProvider<ApprovalRules> rules, ObjectProvider<CallJournal> journal,
      ObjectProvider<ChatMemory> chatMemory, ObjectProvider<ConversationStore> conversationStore,
      ObjectProvider<ObservationRegistry> observationRegistry, ListableBeanFactory beanFactory) {
    ToolGuardAdvisor.Builder builder = ToolGuardAdvisor.builder().config(properties.toLoopConfig());
    dev.toolguard.core.Dialect dialect = properties.dialectOrNull();
    if (dialect != null) {
      builder.dialect(dialect);
    }
    ObservationRegistry registry = observationRegistry.getIfUnique();
    if (registry != null) {
      builder.observationRegistry(registry);
    }
    List<LoopListener> listeners = listeners(properties, listener, registry, beanFactory);
    if (!listeners.isEmpty()) {
      builder.listener(LoopListener.all(listeners));
    }
    rules.ifUnique(builder::approvalRules);
    journal.ifUnique(builder::journal);
    ApprovalSigner signer = properties.approvalSigner();
    if (signer != null) {
      builder.signApprovals(signer);
    }
    String conversationId = properties.getDefaultConversationId();
    ConversationStore store = conversationStore.getIfUnique();
    if (store != null) {
      if (properties.isUseChatMemory()) {
        throw new IllegalArgumentException("toolguard.use-chat-memory is true and there is a ConversationStore bean"
            + (properties.getMemory().getStore() == ToolGuardProperties.Store.JDBC ? " (" + ToolGuardProperties.MEMORY_STORE
            + "=jdbc)" : "") + "; the advisor keeps conversations in one place: remove one of them");
      }
      builder.conversationStore(store);
      if (conversationId != null) {
        builder.defaultConversationId(requireNonBlankConversationId(conversationId));
      }
    } else if (properties.isUseChatMemory()) {
      ChatMemory memory = chatMemory.getIfUnique();
      if (memory == null) {
        long found = chatMemory.stream().count();
        throw new IllegalArgumentException("toolguard.use-chat-memory is true, but there is "
            + (found == 0 ? "no ChatMemory bean" : found + " ChatMemory beans and none is @Primary")
            + "; define one (Spring AI's chat memory starter does), mark one @Primary, or build your own"
            + " ToolGuardAdvisor bean");
      }
      builder.chatMemory(memory);
      if (conversationId != null) {
        builder.defaultConversationId(requireNonBlankConversationId(conversationId));
      }
    } else if (conversationId != null) {
      throw new IllegalArgumentException("toolguard.default-conversation-id is set, but toolguard.use-chat-memory"
          + " is not true and there is no conversation store: it only names the conversation the advisor keeps");
    }
    return builder.build();
  }

  /**
   * The repair-only advisor, for a {@code ChatClient} that keeps Spring AI's own tool loop (inject it where
   * the client is built; it is added to no builder), reporting its violations and repairs to the same
   * listeners as the advisor: the application's {@link LoopListener} beans and, with {@code
   * toolguard.observations.enabled} and toolguard-micrometer, toolguard's observations. An application's
   * own ToolGuardRepairAdvisor bean wins.
   */
  @Bean
  @ConditionalOnMissingBean
  public ToolGuardRepairAdvisor toolGuardRepairAdvisor(ToolGuardProperties properties,
      ObjectProvider<LoopListener> listener, ObjectProvider<ObservationRegistry> observationRegistry,
      ListableBeanFactory beanFactory) {
    List<LoopListener> listeners = listeners(properties, listener, observationRegistry.getIfUnique(), beanFactory);
    ToolGuardRepairAdvisor advisor = ToolGuardRepairAdvisor.create();
    dev.toolguard.core.Dialect dialect = properties.dialectOrNull();
    if (dialect != null) {
      advisor = advisor.withDialect(dialect);
    }
    return listeners.isEmpty() ? advisor : advisor.withLoopListener(LoopListener.all(listeners));
  }

  /** The application's listener beans, in order, then toolguard's observations when they are on. */
  private static List<LoopListener> listeners(ToolGuardProperties properties, ObjectProvider<LoopListener> listener,
      @Nullable ObservationRegistry registry, ListableBeanFactory beanFactory) {
    List<LoopListener> listeners = new ArrayList<>(listener.orderedStream().toList());
    if (registry != null && properties.getObservations().isEnabled()
        && ClassUtils.isPresent(TOOLGUARD_OBSERVATIONS, null)) {
      listeners.add(Observing.listener(registry, beanFactory));
    }
    return listeners;
  }

  /**
   * With {@code toolguard.journal=jdbc}: the call journal in a table of the application's {@code
   * DataSource}, so that a call runs once across every instance that shares the database. An
   * application's own {@link CallJournal} bean wins.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.toolguard.jdbc.JdbcCallJournal")
  @ConditionalOnProperty(prefix = "toolguard", name = "journal", havingValue = "jdbc")
  static class JdbcJournalConfiguration {

    /**
     * The journal on the only (or primary) {@code DataSource}.
     *
     * @throws IllegalArgumentException naming the property when there is no DataSource
     */
    @Bean
    @ConditionalOnMissingBean(CallJournal.class)
    CallJournal toolGuardCallJournal(ObjectProvider<javax.sql.DataSource> dataSource, ToolGuardProperties properties) {
      javax.sql.DataSource ds = dataSource.getIfAvailable();
      if (ds == null) {
        throw new IllegalArgumentException(ToolGuardProperties.JOURNAL + "=jdbc needs a DataSource bean (add"
            + " spring-boot-starter-jdbc and spring.datasource.url), or remove the property to keep the journal in"
            + " memory");
      }
      return dev.toolguard.jdbc.JdbcCallJournal.builder(ds).createTable(properties.isJdbcCreateTables()).build();
    }
  }

  /** The class of toolguard-micrometer that {@code toolguard.observations.enabled} needs. */
  static final String TOOLGUARD_OBSERVATIONS = "dev.toolguard.micrometer.ToolguardObservations";

  /** toolguard-micrometer's listener; a class of its own, loaded only when toolguard-micrometer is there. */
  static final class Observing {
    private Observing() {}

    /** Observations into {@code registry}, and counters in the MeterRegistry bean when there is one. */
    static LoopListener listener(ObservationRegistry registry, ListableBeanFactory beanFactory) {
      if (ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry", null)) {
        io.micrometer.core.instrument.MeterRegistry meters =
            beanFactory.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class).getIfUnique();
        if (meters != null) {
          return dev.toolguard.micrometer.ToolguardObservations.of(registry, meters);
        }
      }
      return dev.toolguard.micrometer.ToolguardObservations.of(registry);
    }
  }

  private static String requireNonBlankConversationId(String conversationId) {
    if (conversationId.isBlank()) {
      throw new IllegalArgumentException("toolguard.default-conversation-id is set but empty; give a"
          + " conversation id or remove the property");
    }
    return conversationId;
  }

  /**
   * With {@code toolguard.memory.store=jdbc}: the conversations, whole and versioned, in a table of the
   * application's {@code DataSource} as toolguard-json's history JSON. An application's own {@link
   * ConversationStore} bean wins.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.toolguard.jdbc.JdbcConversationStore", "dev.toolguard.json.HistoryJson"})
  @ConditionalOnProperty(prefix = "toolguard.memory", name = "store", havingValue = "jdbc")
  static class JdbcStoreConfiguration {

    /**
     * The store on the only (or primary) {@code DataSource}.
     *
     * @throws IllegalArgumentException naming the property when there is no DataSource
     */
    @Bean
    @ConditionalOnMissingBean(ConversationStore.class)
    ConversationStore toolGuardConversationStore(ObjectProvider<javax.sql.DataSource> dataSource,
        ToolGuardProperties properties) {
      javax.sql.DataSource ds = dataSource.getIfAvailable();
      if (ds == null) {
        throw new IllegalArgumentException(ToolGuardProperties.MEMORY_STORE + "=jdbc needs a DataSource bean (add"
            + " spring-boot-starter-jdbc and spring.datasource.url), or remove the property");
      }
      return dev.toolguard.jdbc.JdbcConversationStore.builder(ds, dev.toolguard.json.HistoryJson.codec())
          .createTable(properties.isJdbcCreateTables()).build();
    }
  }

  /**
   * With {@code toolguard.memory.repository=jdbc}: Spring AI's chat memory keeps whole messages, versioned,
   * in a table of the application's {@code DataSource} (the {@link ConversationStore} bean when there is
   * one, else a store of its own that the advisor does not use). An application's own {@link
   * ChatMemoryRepository} bean wins; Spring AI's in-memory one steps back.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.toolguard.jdbc.JdbcConversationStore", "dev.toolguard.json.HistoryJson"})
  @ConditionalOnProperty(prefix = "toolguard.memory", name = "repository", havingValue = "jdbc")
  static class JdbcRepositoryConfiguration {

    /**
     * The repository over the ConversationStore bean, or over a store on the only (or primary) {@code
     * DataSource}.
     *
     * @throws IllegalArgumentException naming the property when there is neither
     */
    @Bean
    @ConditionalOnMissingBean(ChatMemoryRepository.class)
    ToolGuardChatMemoryRepository toolGuardChatMemoryRepository(ObjectProvider<ConversationStore> conversationStore,
        ObjectProvider<javax.sql.DataSource> dataSource, ToolGuardProperties properties) {
      ConversationStore store = conversationStore.getIfUnique();
      if (store == null) {
        javax.sql.DataSource ds = dataSource.getIfAvailable();
        if (ds == null) {
          throw new IllegalArgumentException(ToolGuardProperties.MEMORY_REPOSITORY + "=jdbc needs a DataSource bean"
              + " (add spring-boot-starter-jdbc and spring.datasource.url), or remove the property");
        }
        store = dev.toolguard.jdbc.JdbcConversationStore.builder(ds, dev.toolguard.json.HistoryJson.codec())
            .createTable(properties.isJdbcCreateTables()).build();
      }
      return ToolGuardChatMemoryRepository.of(store);
    }
  }

  /** With {@code toolguard.memory.repository=jdbc} but a module missing: a start-up error naming the artifacts. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "toolguard.memory", name = "repository", havingValue = "jdbc")
  static class RepositoryModulesCheck {
    RepositoryModulesCheck() {
      requireClasses(ToolGuardProperties.MEMORY_REPOSITORY + "=jdbc", "dev.toolguard:toolguard-jdbc",
          "dev.toolguard.jdbc.JdbcConversationStore", "dev.toolguard:toolguard-json", "dev.toolguard.json.HistoryJson");
    }
  }

  /** With {@code toolguard.memory.store=jdbc} but a module missing: a start-up error naming the artifacts. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "toolguard.memory", name = "store", havingValue = "jdbc")
  static class StoreModulesCheck {
    StoreModulesCheck() {
      requireClasses(ToolGuardProperties.MEMORY_STORE + "=jdbc", "dev.toolguard:toolguard-jdbc",
          "dev.toolguard.jdbc.JdbcConversationStore", "dev.toolguard:toolguard-json", "dev.toolguard.json.HistoryJson");
    }
  }

  /** Fails naming the artifacts of {@code artifactsAndClasses} (pairs) whose class is missing. */
  static void requireClasses(String setting, String... artifactsAndClasses) {
    java.util.List<String> missing = new java.util.ArrayList<>();
    ClassLoader loader = org.springframework.util.ClassUtils.getDefaultClassLoader();
    for (int i = 0; i < artifactsAndClasses.length; i += 2) {
      if (!org.springframework.util.ClassUtils.isPresent(artifactsAndClasses[i + 1], loader)) {
        missing.add(artifactsAndClasses[i]);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(setting + " needs " + String.join(" and ", missing) + " on the class path;"
          + " add " + (missing.size() == 1 ? "it as a dependency" : "them as dependencies")
          + ", or remove the property");
    }
  }

  /** With {@code toolguard.journal=jdbc} but without toolguard-jdbc: a start-up error naming the artifact. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "toolguard", name = "journal", havingValue = "jdbc")
  static class JournalModuleCheck {
    JournalModuleCheck() {
      requireClasses(ToolGuardProperties.JOURNAL + "=jdbc", "dev.toolguard:toolguard-jdbc",
          "dev.toolguard.jdbc.JdbcCallJournal");
    }
  }

  /** Adds the advisor to every {@code ChatClient.Builder} that Spring Boot makes. */
  @Bean
  @ConditionalOnProperty(prefix = "toolguard", name = "register-advisor", havingValue = "true", matchIfMissing = true)
  public ChatClientCustomizer toolGuardChatClientCustomizer(ToolGuardAdvisor advisor) {
    return builder -> builder.defaultAdvisors(advisor);
  }

  /**
   * With {@code toolguard.guard-chat-memory=true} (off by default): wraps every {@link ChatMemory} bean so
   * that it never hands out a broken history. The wrapped bean is a {@link ToolGuardChatMemory}, no longer
   * of its own type: inject it as {@code ChatMemory}.
   */
  @Bean
  @ConditionalOnProperty(prefix = "toolguard", name = "guard-chat-memory", havingValue = "true")
  public static BeanPostProcessor toolGuardChatMemoryPostProcessor() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ChatMemory memory && !(bean instanceof ToolGuardChatMemory)) {
          return ToolGuardChatMemory.of(memory);
        }
        return bean;
      }
    };
  }
}
