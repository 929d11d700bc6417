package dev.toolguard.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toolguard.testkit.ErrorMessages.Bedrock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules of Bedrock {@code Converse} and {@code ConverseStream}, on the JSON tree of the body.
 *
 * <p>Messages start with a user message and alternate roles. An assistant message's {@code toolUse}
 * blocks are answered by {@code toolResult} blocks in the next (user) message, all of them and no more;
 * a {@code toolUseId} is 1 to 64 of {@code [a-zA-Z0-9_-]}; an error result ({@code status: error}) has
 * content. A history may end with the assistant's tool use (it is then a prefill, as the provider allows).
 */
public final class BedrockRules {

  private static final Pattern ID = Pattern.compile("[a-zA-Z0-9_-]+");

  private BedrockRules() {}

  /** The first rule the body breaks, or null when it is valid. */
  public static @Nullable Rejection check(JsonNode body) {
    JsonNode messages = body.isObject() ? body.get("messages") : null;
    if (messages == null || messages.isNull() || !messages.isArray()) {
      return Rejection.bedrock(Bedrock.MESSAGES_REQUIRED);
    }
    if (!messages.isEmpty() && !"user".equals(Json.text(messages.get(0), "role"))
        && !"assistant".equals(Json.text(messages.get(0), "role"))) {
      return Rejection.bedrock(Bedrock.badRole(Json.text(messages.get(0), "role"), 0));
    }
    if (messages.isEmpty() || !"user".equals(Json.text(messages.get(0), "role"))) {
      return Rejection.bedrock(Bedrock.START_WITH_USER);
    }
    String previousRole = null;
    Set<String> previousUses = new LinkedHashSet<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = Json.text(m, "role");
      if (!"user".equals(role) && !"assistant".equals(role)) {
        return Rejection.bedrock(Bedrock.badRole(role, i));
      }
      if (role.equals(previousRole)) {
        return Rejection.bedrock(Bedrock.ALTERNATE);
      }
      Set<String> uses = new LinkedHashSet<>();
      List<String> results = new ArrayList<>();
      JsonNode content = m.path("content");
      for (int j = 0; j < content.size(); j++) {
        JsonNode block = content.get(j);
        JsonNode use = block.get("toolUse");
        if (use != null && use.isObject()) {
          String id = use.path("toolUseId").asText("");
          String bad = badId(id, i, j, "toolUse");
          if (bad != null) {
            return Rejection.bedrock(bad);
          }
          uses.add(id);
        }
        JsonNode result = block.get("toolResult");
        if (result != null && result.isObject()) {
          String id = result.path("toolUseId").asText("");
          String bad = badId(id, i, j, "toolResult");
          if (bad != null) {
            return Rejection.bedrock(bad);
          }
          JsonNode resultContent = result.get("content");
          if ("error".equals(Json.text(result, "status"))
              && (resultContent == null || !resultContent.isArray() || resultContent.isEmpty())) {
            return Rejection.bedrock(Bedrock.emptyErrorResult(i, j));
          }
          results.add(id);
        }
      }
      if ("user".equals(role)) {
        if (results.size() > previousUses.size()) {
          return Rejection.bedrock(Bedrock.tooManyResults(i));
        }
        List<String> missing = new ArrayList<>();
        for (String id : previousUses) {
          if (!results.contains(id)) {
            missing.add(id);
          }
        }
        if (!missing.isEmpty()) {
          return Rejection.bedrock(Bedrock.expectedToolResults(i, missing));
        }
      }
      previousRole = role;
      previousUses = uses;
    }
    return null;
  }

  private static @Nullable String badId(String id, int message, int block, String type) {
    if (!id.isEmpty() && id.length() <= 64 && ID.matcher(id).matches()) {
      return null;
    }
    // AWS names list members 1-based: messages.1.member is the first message
    String at = "messages." + (message + 1) + ".member.content." + (block + 1) + ".member." + type + ".toolUseId";
    return Bedrock.badId(id, at);
  }
}
