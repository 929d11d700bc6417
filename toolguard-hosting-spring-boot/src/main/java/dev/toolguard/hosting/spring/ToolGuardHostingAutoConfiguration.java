package dev.toolguard.hosting.spring;

import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.ChatBackend;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.hosting.ResponseStore;
import dev.toolguard.hosting.ResponsesEndpoint;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Serves toolguard-hosting's Responses endpoint in a Spring MVC application when {@code
 * toolguard.hosting.enabled=true}: {@code POST {path}/responses} (streaming too) and {@code GET
 * {path}/responses/{id}}, answered by the same {@link ResponsesEndpoint} as the JDK server's.
 *
 * <p>The agent is the application's: a {@link ChatBackend} bean (its model) and a {@link
 * FunctionInvokingLoop.Builder} bean (its tools, config and approval rules). A {@link CallJournal},
 * {@link ConversationStore} or {@link ResponseStore} bean is used when there is one (share them between
 * instances, e.g. toolguard-jdbc's), in-memory ones otherwise. Every bean here is overridable: define
 * your own {@link ResponsesEndpoint}, or a bean named {@code toolGuardResponsesRoutes}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({RouterFunction.class, ResponsesEndpoint.class})
@ConditionalOnProperty(prefix = "toolguard.hosting", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(ToolGuardHostingProperties.class)
public class ToolGuardHostingAutoConfiguration {

  /** Made by Spring. */
  public ToolGuardHostingAutoConfiguration() {}

  /**
   * The endpoint, from the properties and the application's agent beans.
   *
   * @throws IllegalStateException naming the property or bean that is missing or wrong
   */
  @Bean
  @ConditionalOnMissingBean
  public ResponsesEndpoint toolGuardResponsesEndpoint(ToolGuardHostingProperties properties,
      ObjectProvider<ChatBackend> model, ObjectProvider<FunctionInvokingLoop.Builder> agent,
      ObjectProvider<CallJournal> journal, ObjectProvider<ConversationStore> conversations,
      ObjectProvider<ResponseStore> responses) {
    properties.validate();
    ChatBackend backend = model.getIfUnique();
    if (backend == null) {
      throw new IllegalStateException("toolguard.hosting.enabled=true needs exactly one ChatBackend bean, the model"
          + " the hosted agent talks to (e.g. HttpChatBackend.openAiResponses(…)); found "
          + model.stream().count());
    }
    FunctionInvokingLoop.Builder loop = agent.getIfUnique();
    if (loop == null) {
      throw new IllegalStateException("toolguard.hosting.enabled=true needs exactly one FunctionInvokingLoop.Builder"
          + " bean with the hosted agent's tools and config (FunctionInvokingLoop.builder().tools(…)); found "
          + agent.stream().count());
    }
    ResponsesEndpoint.Builder b = ResponsesEndpoint.builder(backend, loop)
        .secret(properties.getSecret().getBytes(StandardCharsets.UTF_8))
        .basePath(properties.getPath())
        .serverLabel(properties.getServerLabel())
        .modelName(properties.getModelName())
        .maxBodyBytes(properties.getMaxBodyBytes())
        .answerLease(properties.getAnswerLease());
    journal.ifUnique(b::journal);
    conversations.ifUnique(b::conversations);
    responses.ifUnique(b::responses);
    return b.build();
  }

  /** The routes of {@code endpoint}: its path and everything under it, any method. */
  @Bean
  @ConditionalOnMissingBean(name = "toolGuardResponsesRoutes")
  public RouterFunction<ServerResponse> toolGuardResponsesRoutes(ResponsesEndpoint endpoint) {
    return HostedRoutes.of(endpoint);
  }
}
