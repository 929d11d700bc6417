package dev.toolguard.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.Dialect;
import dev.toolguard.json.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Random request bodies for the properties: valid conversations with tool calls in each dialect,
 * and corruptions of them like the ones found in the field. Every call has unique arguments and
 * every result a unique output, so that pairs can be traced through a repair.
 */
final class Conversations {

  private final Dialect dialect;
  private final Choices random;
  private int counter;
  /**
   * OpenAI Responses: the output of the stored response that the body continues ({@code
   * previous_response_id}), empty when it continues none.
   */
  private final List<ObjectNode> stored = new ArrayList<>();
  /** The call id of the stored response's call, which the body answers first; null when none. */
  private String storedCall;
  /** Anthropic: whether the body turns extended thinking on. */
  private boolean thinkingOn;
  /** Whether the one call id {@code undefined} (a client that lost the id) is taken in this body. */
  private boolean undefinedTaken;

  Conversations(Dialect dialect, Choices choices) {
    this.dialect = dialect;
    this.random = choices;
  }

  // ---------------------------------------------------------------- valid bodies

  /** A valid body. */
  ObjectNode valid() {
    ObjectNode body = Json.object();
    body.put("model", "m-" + random.nextInt(5));
    if (random.nextInt(4) == 0) {
      body.put("temperature", new java.math.BigDecimal("0.70"));
    }
    ArrayNode list = Json.array();
    if (dialect == Dialect.OPENAI_RESPONSES) {
      body.set("input", list);
      if (random.nextBoolean()) {
        list.add(Json.object().put("role", "developer").put("content", "Be brief."));
      }
    } else {
      if (dialect == Dialect.ANTHROPIC) {
        thinkingOn = random.nextInt(4) == 0;
        body.put("max_tokens", thinkingOn ? 2048 : 256);
        if (thinkingOn) {
          // extended thinking: every assistant turn with tool_use starts with its thinking block
          body.putObject("thinking").put("type", "enabled").put("budget_tokens", 1024);
        }
        if (random.nextBoolean()) {
          body.put("system", "Be brief.");
        }
      } else if (random.nextBoolean()) {
        list.add(Json.object().put("role", "system").put("content", "Be brief."));
      }
      body.set("messages", list);
    }
    if (dialect == Dialect.OPENAI_RESPONSES && random.nextInt(4) == 0) {
      // the body continues a stored response that ended with a call: it answers that call first
      storedCall = callId();
      if (random.nextBoolean()) {
        stored.add(Json.object().put("type", "reasoning").put("id", "rs_" + next()).put("encrypted_content", "e")
            .set("summary", Json.array()));
      }
      stored.add(Json.object().put("type", "function_call").put("id", "fc_" + next()).put("call_id", storedCall)
          .put("name", "tool" + random.nextInt(3)).put("arguments", "{\"n\":" + next() + "}").put("status", "completed"));
      body.put("previous_response_id", PREVIOUS_RESPONSE);
      list.add(Json.object().put("type", "function_call_output").put("call_id", storedCall).put("output", "out " + next()));
    }
    int exchanges = 1 + random.nextInt(5);
    for (int e = 0; e < exchanges; e++) {
      list.add(user("question " + next()));
      if (dialect == Dialect.OPENAI_RESPONSES && storedCall == null && random.nextInt(4) == 0) {
        mcpRound(list);
      }
      int turns = random.nextInt(3);
      for (int t = 0; t < turns; t++) {
        toolTurn(list);
      }
      if (random.nextInt(10) < 7) {
        list.add(assistant("answer " + next()));
      }
    }
    if (body.has("temperature")) {
      body.set("tools", Json.parse("[{\"name\":\"get\",\"x\":1.0}]"));
    }
    return body;
  }

  /** Anthropic: whether the body turns extended thinking on (its tool turns start with a thinking block). */
  boolean thinkingOn() {
    return thinkingOn;
  }

  /** The id of the stored response a Responses body continues, when it continues one. */
  static final String PREVIOUS_RESPONSE = "resp_stored_previous";

  /** The output items of the stored response the body continues (empty when none), to store on the referee. */
  List<ObjectNode> stored() {
    return stored;
  }

  /** The call of the stored response, answered by the body; null when the body continues none. */
  String storedCall() {
    return storedCall;
  }

  /**
   * An MCP round of OpenAI Responses: the server lists its tools, the model asks for approval of a
   * call (an {@code mcp_approval_request}, with a server id of its kind), the user answers it, and
   * when approved the call runs ({@code mcp_call}, its output in the item).
   */
  private void mcpRound(ArrayNode list) {
    String server = "deepwiki";
    if (random.nextBoolean()) {
      ObjectNode tools = list.addObject().put("type", "mcp_list_tools").put("id", "mcpl_" + next())
          .put("server_label", server);
      tools.putArray("tools").addObject().put("name", "ask_question").putObject("input_schema").put("type", "object");
    }
    String request = "mcpr_" + next();
    String arguments = "{\"q\":\"q" + next() + "\"}";
    list.addObject().put("type", "mcp_approval_request").put("id", request).put("name", "ask_question")
        .put("server_label", server).put("arguments", arguments);
    boolean approve = random.nextInt(3) > 0;
    list.addObject().put("type", "mcp_approval_response").put("approval_request_id", request).put("approve", approve);
    if (approve) {
      list.addObject().put("type", "mcp_call").put("id", "mcp_" + next()).put("name", "ask_question")
          .put("server_label", server).put("arguments", arguments).put("output", "answer " + next())
          .put("approval_request_id", request);
    }
  }

  private int next() {
    return ++counter;
  }

  /**
   * A fresh call id, often of the odd kinds seen in the field, each valid for the dialect: a terminal
   * id with a colon (not Anthropic, whose pattern refuses it), Anthropic's server tool ids, Pydantic
   * AI's and a gateway's function ids, the literal {@code undefined} of a client that lost the id (once
   * a body), and an id of exactly the longest length the dialect takes.
   */
  private String callId() {
    int n = next();
    switch (random.nextInt(10)) {
      case 0:
        return dialect == Dialect.ANTHROPIC ? "srvtoolu_01" + n : "terminal:" + n;
      case 1:
        return "pyd_ai_" + Integer.toHexString(n * 7919 + 0x5a5a);
      case 2:
        return "functions_Bash_" + n;
      case 3:
        if (!undefinedTaken) {
          undefinedTaken = true;
          return "undefined";
        }
        break;
      case 4: {
        int max = dialect == Dialect.OPENAI_CHAT ? 40 : 64;
        String stem = "call_" + n + "_";
        return stem + "z".repeat(max - stem.length());
      }
      default:
        break;
    }
    return (dialect == Dialect.ANTHROPIC ? "toolu_" : "call_") + n;
  }

  private ObjectNode user(String text) {
    ObjectNode m = Json.object().put("role", "user");
    if (random.nextBoolean()) {
      m.put("content", text);
    } else {
      ArrayNode parts = m.putArray("content");
      parts.addObject().put("type", dialect == Dialect.OPENAI_RESPONSES ? "input_text" : "text").put("text", text);
      if (random.nextInt(4) == 0) {
        parts.add(image());
      }
    }
    return m;
  }

  private ObjectNode image() {
    switch (dialect) {
      case OPENAI_CHAT:
        return (ObjectNode) Json.parse("{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:i" + next() + "\"}}");
      case OPENAI_RESPONSES:
        return (ObjectNode) Json.parse("{\"type\":\"input_image\",\"image_url\":\"data:i" + next() + "\"}");
      default:
        return (ObjectNode) Json.parse("{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"data\":\"i" + next()
            + "\"}}");
    }
  }

  /** An OpenAI Responses assistant message item with the server id the service gave it. */
  private ObjectNode producedMessage(String text) {
    ObjectNode item = Json.object().put("type", "message").put("id", "msg_" + next()).put("role", "assistant");
    item.putArray("content").addObject().put("type", "output_text").put("text", text).putArray("annotations");
    return item;
  }

  private ObjectNode assistant(String text) {
    switch (dialect) {
      case OPENAI_RESPONSES:
        if (random.nextBoolean()) {
          return Json.object().put("role", "assistant").put("content", text);
        }
        ObjectNode item = Json.object().put("type", "message").put("id", "msg_" + next()).put("role", "assistant");
        item.putArray("content").addObject().put("type", "output_text").put("text", text).putArray("annotations");
        return item;
      case ANTHROPIC:
        if (random.nextBoolean()) {
          return Json.object().put("role", "assistant").put("content", text);
        }
        ObjectNode m = Json.object().put("role", "assistant");
        m.putArray("content").addObject().put("type", "text").put("text", text);
        return m;
      default:
        return Json.object().put("role", "assistant").put("content", text);
    }
  }

  private void toolTurn(ArrayNode list) {
    int calls = 1 + random.nextInt(3);
    List<String> ids = new ArrayList<>();
    for (int c = 0; c < calls; c++) {
      ids.add(callId());
    }
    List<String> order = new ArrayList<>(ids);
    random.shuffle(order);
    switch (dialect) {
      case OPENAI_CHAT: {
        ObjectNode m = Json.object().put("role", "assistant");
        if (random.nextBoolean()) {
          m.putNull("content");
        } else {
          m.put("content", "calling " + next());
        }
        ArrayNode array = m.putArray("tool_calls");
        for (String id : ids) {
          ObjectNode call = array.addObject().put("id", id).put("type", "function");
          call.putObject("function").put("name", "tool" + random.nextInt(3)).put("arguments", "{\"n\":" + next() + "}");
        }
        list.add(m);
        for (String id : order) {
          list.add(Json.object().put("role", "tool").put("tool_call_id", id).put("content", "out " + next()));
        }
        break;
      }
      case ANTHROPIC: {
        ObjectNode m = Json.object().put("role", "assistant");
        ArrayNode blocks = m.putArray("content");
        if (thinkingOn || random.nextBoolean()) {
          if (thinkingOn && random.nextInt(4) == 0) {
            blocks.addObject().put("type", "redacted_thinking").put("data", "EuYBCkQYAiJA" + next());
          } else {
            blocks.addObject().put("type", "thinking").put("thinking", "hmm " + next()).put("signature", "sig");
          }
        }
        if (random.nextBoolean()) {
          blocks.addObject().put("type", "text").put("text", "calling " + next());
        }
        for (String id : ids) {
          ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", id).put("name", "tool" + random.nextInt(3));
          use.putObject("input").put("n", next()).put("f", new java.math.BigDecimal("1.50"));
        }
        list.add(m);
        ObjectNode u = Json.object().put("role", "user");
        ArrayNode results = u.putArray("content");
        for (String id : order) {
          ObjectNode r = results.addObject().put("type", "tool_result").put("tool_use_id", id);
          if (random.nextBoolean()) {
            r.put("content", "out " + next());
          } else {
            r.putArray("content").addObject().put("type", "text").put("text", "out " + next());
          }
          if (random.nextInt(4) == 0) {
            r.put("is_error", true);
          }
        }
        if (random.nextInt(3) == 0) {
          results.addObject().put("type", "text").put("text", "also " + next());
        }
        list.add(u);
        break;
      }
      default: {
        boolean reasoning = random.nextBoolean();
        if (reasoning) {
          list.add(Json.object().put("type", "reasoning").put("id", "rs_" + next()).put("encrypted_content", "e")
              .set("summary", Json.array()));
        }
        if (random.nextInt(3) == 0) {
          // after a reasoning item, the message as the service produced it: with its id, which pairs them
          list.add(reasoning ? producedMessage("calling " + next()) : assistant("calling " + next()));
        }
        for (String id : ids) {
          list.add(Json.object().put("type", "function_call").put("id", "fc_" + next()).put("call_id", id)
              .put("name", "tool" + random.nextInt(3)).put("arguments", "{\"n\":" + next() + "}")
              .put("status", "completed"));
        }
        for (String id : order) {
          list.add(Json.object().put("type", "function_call_output").put("call_id", id).put("output", "out " + next()));
        }
      }
    }
  }

  // ---------------------------------------------------------------- corruptions

  /** {@code body} with one to four faults of the kinds found in the field. */
  ObjectNode corrupt(ObjectNode valid) {
    ObjectNode body = valid.deepCopy();
    ArrayNode list = (ArrayNode) body.get(dialect == Dialect.OPENAI_RESPONSES ? "input" : "messages");
    int faults = 1 + random.nextInt(4);
    for (int f = 0; f < faults; f++) {
      if (list.size() == 0) {
        list.add(user("alone " + next()));
      }
      int i = random.nextInt(list.size());
      switch (random.nextInt(11)) {
        case 0: // an element evicted or lost
          list.remove(i);
          break;
        case 1: { // an element in the wrong place
          JsonNode moved = list.remove(i);
          list.insert(random.nextInt(list.size() + 1), moved);
          break;
        }
        case 2: // an element stored twice
          list.insert(random.nextInt(list.size() + 1), list.get(i).deepCopy());
          break;
        case 3: // the user typed while a tool ran
          list.insert(i, user("meanwhile " + next()));
          break;
        case 4: { // a result's id rewritten (a fresh id, or the id of another call)
          List<String> calls = callIds(list);
          String id = calls.isEmpty() || random.nextBoolean() ? "ghost_" + next() : calls.get(random.nextInt(calls.size()));
          setSomeResultId(list, id);
          break;
        }
        case 5: // an id lost
          removeSomeId(list);
          break;
        case 6: { // a call id reused in a later turn
          List<String> calls = callIds(list);
          if (calls.size() >= 2) {
            int a = random.nextInt(calls.size() - 1);
            int b = a + 1 + random.nextInt(calls.size() - a - 1);
            renameEverywhere(list, calls.get(b), calls.get(a));
          }
          break;
        }
        case 7: { // an id the dialect rejects
          List<String> calls = callIds(list);
          if (!calls.isEmpty()) {
            String id = calls.get(random.nextInt(calls.size()));
            renameEverywhere(list, id, dialect == Dialect.ANTHROPIC ? id + ".v2:x" : id + "_" + "y".repeat(40 + random.nextInt(40)));
          }
          break;
        }
        case 8: // a dialect quirk
          quirk(list);
          break;
        case 9: { // adjacent elements swapped
          if (i + 1 < list.size()) {
            JsonNode a = list.get(i);
            list.set(i, list.get(i + 1));
            list.set(i + 1, a);
          }
          break;
        }
        default: // a trailing call
          toolTurn(list);
          list.remove(list.size() - 1 - random.nextInt(2));
      }
    }
    return body;
  }

  private void quirk(ArrayNode list) {
    switch (dialect) {
      case OPENAI_CHAT: {
        List<ObjectNode> texts = new ArrayList<>();
        for (JsonNode m : list) {
          if (m.path("role").asText().equals("assistant") && !m.has("tool_calls")) {
            texts.add((ObjectNode) m);
          }
        }
        if (!texts.isEmpty()) {
          texts.get(random.nextInt(texts.size())).putArray("tool_calls");
        }
        break;
      }
      case ANTHROPIC: {
        // blocks of a user message shuffled: text may come before tool_result
        for (JsonNode m : list) {
          if (m.path("role").asText().equals("user") && m.path("content").isArray() && m.get("content").size() > 1) {
            ArrayNode blocks = (ArrayNode) m.get("content");
            List<JsonNode> all = new ArrayList<>();
            blocks.forEach(all::add);
            random.shuffle(all);
            blocks.removeAll();
            all.forEach(blocks::add);
            return;
          }
        }
        break;
      }
      default: {
        if (random.nextInt(3) == 0) {
          // an item id of another kind (a client that made its own ids)
          List<ObjectNode> withIds = new ArrayList<>();
          for (JsonNode item : list) {
            if (item.hasNonNull("id")) {
              withIds.add((ObjectNode) item);
            }
          }
          if (!withIds.isEmpty()) {
            ObjectNode item = withIds.get(random.nextInt(withIds.size()));
            item.put("id", (random.nextBoolean() ? "item_" : "fc_x") + next());
            if (item.path("type").asText().equals("function_call")) {
              item.put("id", "msg_" + next());
            }
          }
          return;
        }
        if (random.nextInt(3) == 0) {
          // the item after a reasoning item stored without its server id (openai-node#1567,
          // vercel/ai#7099): the service pairs them by that id
          for (int i = 0; i + 1 < list.size(); i++) {
            String next = list.get(i + 1).path("type").asText("message");
            if (list.get(i).path("type").asText().equals("reasoning") && list.get(i + 1).hasNonNull("id")
                && (next.equals("function_call") || next.equals("message")) && random.nextBoolean()) {
              ((ObjectNode) list.get(i + 1)).remove("id");
              return;
            }
          }
          return;
        }
        if (random.nextBoolean()) {
          // a reasoning item and the item after it stored twice, later in the list
          for (int i = 0; i + 1 < list.size(); i++) {
            if (list.get(i).path("type").asText().equals("reasoning")) {
              int at = i + 2 + random.nextInt(list.size() - i - 1);
              list.insert(at, list.get(i + 1).deepCopy());
              list.insert(at, list.get(i).deepCopy());
              return;
            }
          }
          return;
        }
        // a reasoning item loses the item after it
        for (int i = 0; i + 1 < list.size(); i++) {
          if (list.get(i).path("type").asText().equals("reasoning")) {
            list.remove(i + 1);
            return;
          }
        }
      }
    }
  }

  private List<String> callIds(ArrayNode list) {
    List<String> ids = new ArrayList<>();
    for (JsonNode m : list) {
      switch (dialect) {
        case OPENAI_CHAT:
          for (JsonNode c : m.path("tool_calls")) {
            if (c.has("id")) {
              ids.add(c.get("id").asText());
            }
          }
          break;
        case ANTHROPIC:
          for (JsonNode b : m.path("content")) {
            if (b.path("type").asText().equals("tool_use") && b.has("id")) {
              ids.add(b.get("id").asText());
            }
          }
          break;
        default:
          if (m.path("type").asText().equals("function_call") && m.has("call_id")) {
            ids.add(m.get("call_id").asText());
          }
      }
    }
    return ids;
  }

  /** The objects that hold a result id, with the field name. */
  private List<ObjectNode> results(ArrayNode list) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode m : list) {
      switch (dialect) {
        case OPENAI_CHAT:
          if (m.path("role").asText().equals("tool")) {
            out.add((ObjectNode) m);
          }
          break;
        case ANTHROPIC:
          for (JsonNode b : m.path("content")) {
            if (b.path("type").asText().equals("tool_result")) {
              out.add((ObjectNode) b);
            }
          }
          break;
        default:
          if (m.path("type").asText().equals("function_call_output")) {
            out.add((ObjectNode) m);
          }
      }
    }
    return out;
  }

  private List<ObjectNode> calls(ArrayNode list) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode m : list) {
      switch (dialect) {
        case OPENAI_CHAT:
          for (JsonNode c : m.path("tool_calls")) {
            out.add((ObjectNode) c);
          }
          break;
        case ANTHROPIC:
          for (JsonNode b : m.path("content")) {
            if (b.path("type").asText().equals("tool_use")) {
              out.add((ObjectNode) b);
            }
          }
          break;
        default:
          if (m.path("type").asText().equals("function_call")) {
            out.add((ObjectNode) m);
          }
      }
    }
    return out;
  }

  private String resultField() {
    return dialect == Dialect.OPENAI_CHAT ? "tool_call_id" : dialect == Dialect.ANTHROPIC ? "tool_use_id" : "call_id";
  }

  private String callField() {
    return dialect == Dialect.OPENAI_RESPONSES ? "call_id" : "id";
  }

  private void setSomeResultId(ArrayNode list, String id) {
    List<ObjectNode> results = results(list);
    if (!results.isEmpty()) {
      results.get(random.nextInt(results.size())).put(resultField(), id);
    }
  }

  private void removeSomeId(ArrayNode list) {
    if (random.nextBoolean()) {
      List<ObjectNode> results = results(list);
      if (!results.isEmpty()) {
        results.get(random.nextInt(results.size())).remove(resultField());
      }
    } else {
      List<ObjectNode> calls = calls(list);
      if (!calls.isEmpty()) {
        calls.get(random.nextInt(calls.size())).remove(callField());
      }
    }
  }

  private void renameEverywhere(ArrayNode list, String from, String to) {
    for (ObjectNode c : calls(list)) {
      if (c.path(callField()).asText().equals(from)) {
        c.put(callField(), to);
      }
    }
    for (ObjectNode r : results(list)) {
      if (r.path(resultField()).asText().equals(from)) {
        r.put(resultField(), to);
      }
    }
  }
}
