package dev.toolguard.hosting.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.toolguard.core.ApprovalRequest;
import dev.toolguard.core.ApprovalResponse;
import dev.toolguard.core.Content;
import dev.toolguard.core.InvalidHistoryException;
import dev.toolguard.core.Message;
import dev.toolguard.core.Metadata;
import dev.toolguard.core.Role;
import dev.toolguard.core.Text;
import dev.toolguard.core.ToolCall;
import dev.toolguard.core.ToolResult;
import dev.toolguard.core.ToolguardException;
import dev.toolguard.core.conversation.ConversationConflictException;
import dev.toolguard.core.conversation.ConversationStore;
import dev.toolguard.core.loop.ApprovalException;
import dev.toolguard.core.loop.CallInProgressException;
import dev.toolguard.core.loop.CallJournal;
import dev.toolguard.core.loop.CallJournalException;
import dev.toolguard.core.loop.CallKey;
import dev.toolguard.core.loop.Claim;
import dev.toolguard.core.loop.FunctionInvokingLoop;
import dev.toolguard.core.loop.LoopException;
import dev.toolguard.core.loop.LoopResult;
import dev.toolguard.core.loop.ToolSpec;
import dev.toolguard.hosting.ResponseStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Responses endpoint without HTTP: turns a request body into a run of the loop and the run into
 * a Response object. Refusals are {@link HostedError}s; nothing runs when one is thrown before the
 * loop.
 */
public final class ResponsesService {

  private static final Logger LOG = LoggerFactory.getLogger(ResponsesService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String MCP_CALL_PREFIX = "mcp_";

  private final FunctionInvokingLoop.Builder agent;
  private final dev.toolguard.core.loop.ChatBackend model;
  private final FunctionInvokingLoop loop;
  private final CallJournal journal;
  private final ConversationStore conversations;
  private final ResponseStore responses;
  private final ApprovalToken.Codec tokens;
  private final String serverLabel;
  private final String defaultModel;
  private final Clock clock;
  private final Duration answerLease;

  /** A service over the agent's loop settings, with the journal, stores and token secret given. */
  public ResponsesService(dev.toolguard.core.loop.ChatBackend model, FunctionInvokingLoop.Builder agent,
      CallJournal journal, ConversationStore conversations, ResponseStore responses, byte[] secret, String serverLabel,
      String defaultModel, Clock clock, Duration answerLease) {
    this.model = model;
    this.agent = agent.copy().backend(model).journal(journal).clock(clock);
    this.loop = this.agent.build();
    this.journal = journal;
    this.conversations = conversations;
    this.responses = responses;
    this.tokens = new ApprovalToken.Codec(secret);
    this.serverLabel = serverLabel;
    this.defaultModel = defaultModel;
    this.clock = clock;
    this.answerLease = answerLease;
  }

  /** {@code GET /v1/responses/{id}}: the stored Response object. */
  public JsonNode get(String id) {
    ResponseStore.Stored s = responses.find(id);
    if (s == null) {
      throw new HostedError(404, "invalid_request_error", null, "response_not_found",
          "Response with id '" + id + "' not found. Only responses created with store: true are kept.");
    }
    try {
      return JSON.readTree(s.body());
    } catch (java.io.IOException e) {
      throw new HostedError(500, "server_error", null, null, "stored response '" + id + "' is not JSON");
    }
  }

  /** True when {@code body} asks for a stream ({@code "stream": true}). */
  public boolean wantsStream(JsonNode body) {
    return body.isObject() && optBool(body, "stream", false);
  }

  /**
   * {@code POST /v1/responses}: runs the agent and answers the Response object; with a {@code sink}
   * (a request with {@code stream: true}) the run's events go there as they happen, a failure after
   * the first event becomes an {@code error} event, and the result is null.
   */
  public @Nullable ObjectNode create(JsonNode body, StreamEvents.@Nullable Sink sink) {
    if (!body.isObject()) {
      throw HostedError.invalid(null, "invalid_body", "the request body must be a JSON object with 'model' and"
          + " 'input', was a JSON " + body.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
    }
    String requestedModel = optText(body, "model");
    JsonNode input = body.get("input");
    if (input == null || input.isNull()) {
      throw HostedError.invalid("input", "missing_required_parameter", "Missing required parameter: 'input'."
          + " Send a string or an array of input items.");
    }
    boolean store = optBool(body, "store", true);
    String previous = optText(body, "previous_response_id");
    String instructions = optText(body, "instructions");
    List<ToolSpec> clientTools = InputItems.tools(body.get("tools"));
    List<InputItems.Item> items = InputItems.parse(input);

    String conversation;
    ConversationStore.Snapshot snapshot;
    if (previous != null) {
      if (!store) {
        throw HostedError.invalid("store", "unsupported_parameter", "store: false cannot continue"
            + " previous_response_id '" + previous + "' here: a response that is not stored leaves the stored"
            + " conversation behind. Either leave store out (true), or send the whole conversation as input"
            + " without previous_response_id");
      }
      ResponseStore.Stored prior = responses.find(previous);
      if (prior == null) {
        throw HostedError.invalid("previous_response_id", "previous_response_not_found",
            "Previous response with id '" + previous + "' not found.");
      }
      conversation = prior.conversation();
      // the conversation as it stood right after that response: any stored response of it, the latest
      // or an older one (a fork: the branches share the conversation, and an answer is used once in all)
      snapshot = conversations.load(prior.id());
      if (snapshot.version() != prior.version()) {
        throw new HostedError(500, "server_error", "previous_response_id", "previous_response_state_missing",
            "the conversation state of response '" + previous + "' is not in this server's conversation store"
                + " (version " + snapshot.version() + ", stored with version " + prior.version() + "): every"
                + " instance needs the same response store and conversation store. Nothing ran");
      }
    } else {
      String fromTokens = conversationOf(items);
      conversation = fromTokens != null ? fromTokens : "conv_" + UUID.randomUUID().toString().replace("-", "");
      // without previous_response_id the input is the whole conversation
      snapshot = ConversationStore.Snapshot.empty();
    }

    History h = new History(snapshot.messages(), conversation);
    List<Answer> answered = h.addAll(items);
    String id = "resp_" + HexFormat.of().formatHex(randomBytes(16));
    List<CallKey> claims = claimAnswers(answered, id);
    try {
      ObjectNode r = run(sink, requestedModel, store, previous, instructions, clientTools, h, conversation, id,
          claims);
      return sink == null ? r : null;
    } finally {
      settleAnswers(claims, id, false); // what a failed request claimed (finish records the used ones)
    }
  }

  private @Nullable ObjectNode run(StreamEvents.@Nullable Sink sink, @Nullable String requestedModel,
      boolean store, @Nullable String previous, @Nullable String instructions, List<ToolSpec> clientTools, History h,
      String conversation, String id, List<CallKey> claims) {
    List<Message> history = new ArrayList<>();
    Message system = instructions == null ? null : Message.system(instructions);
    if (system != null) {
      history.add(system);
    }
    history.addAll(h.messages);
    StreamEvents events = sink == null ? null : new StreamEvents(sink, history, this::mcpCall,
        () -> "msg_" + HexFormat.of().formatHex(randomBytes(12)));
    FunctionInvokingLoop run = loop;
    if (!clientTools.isEmpty() || events != null) {
      FunctionInvokingLoop.Builder b = agent.copy();
      if (events != null) {
        b.backend(events.around(this.model));
      }
      for (ToolSpec t : clientTools) {
        b.clientTool(t);
      }
      try {
        run = b.build();
      } catch (ToolguardException e) {
        throw HostedError.invalid("tools", "invalid_tools", e.getMessage());
      }
    }
    String modelName = requestedModel == null ? defaultModel : requestedModel;
    if (events == null) {
      return finish(run, history, system, id, modelName, previous, store, instructions, conversation, null,
          claims);
    }
    events.created(response(id, modelName, previous, store, instructions, conversation, "in_progress",
        JSON.createArrayNode(), null));
    try {
      return finish(run, history, system, id, modelName, previous, store, instructions, conversation, events,
          claims);
    } catch (HostedError e) {
      events.error(e);
      return null;
    } catch (RuntimeException e) {
      LOG.error("the hosted endpoint failed while streaming response {}", id, e);
      events.error(new HostedError(500, "server_error", null, null, "the server failed while streaming ("
          + e.getClass().getSimpleName() + "); see its log"));
      return null;
    }
  }

  private ObjectNode finish(FunctionInvokingLoop run, List<Message> history, @Nullable Message system, String id,
      String modelName, @Nullable String previous, boolean store, @Nullable String instructions,
      String conversation, @Nullable StreamEvents events, List<CallKey> claims) {
    LoopResult result;
    try {
      result = events == null ? run.run(conversation, history)
          : run.stream(conversation, history, dev.toolguard.core.loop.StreamHandler.ignoring());
    } catch (ApprovalException e) {
      throw approvalError(e);
    } catch (CallInProgressException e) {
      throw new HostedError(409, "invalid_request_error", "input", "call_in_progress", e.getMessage());
    } catch (CallJournalException e) {
      throw new HostedError(503, "server_error", null, "journal_unavailable", e.getMessage());
    } catch (InvalidHistoryException e) {
      throw HostedError.invalid("input", "invalid_history", e.getMessage());
    } catch (LoopException e) {
      throw new HostedError(502, "server_error", null, "model_failed", "the agent's model failed: "
          + e.getMessage() + " Nothing of this request was stored; the calls that ran are recorded in the claim"
          + " journal and do not run again: send the same request again");
    }
    long version = 0;
    if (store) {
      // the conversation as it stands after this response, under the response's own id: any later
      // request may continue from here, however the conversation went on from other responses
      try {
        version = conversations.save(id, 0, strip(result.history(), system));
      } catch (ConversationConflictException e) {
        throw new HostedError(500, "server_error", null, "response_id_taken", "response id " + id + " is taken"
            + " in the conversation store (" + e.getMessage() + "); nothing was stored. Send the request again");
      }
    }
    ArrayNode output = output(conversation, result);
    if (events != null) {
      output = events.finish(output);
    }
    ObjectNode response = response(id, modelName, previous, store, instructions, conversation,
        status(result), output, result);
    if (store) {
      responses.save(new ResponseStore.Stored(id, conversation, version, response.toString()));
    }
    settleAnswers(claims, id, true); // the answers are used by this response, even if the client went away
    claims.clear();
    if (events != null) {
      events.completed(response);
    }
    LOG.debug("response {} in conversation {}: {} ({} output items)", id, conversation, result.status(),
        response.get("output").size());
    return response;
  }

  private static List<Message> strip(List<Message> history, @Nullable Message system) {
    if (system != null && !history.isEmpty() && history.get(0).equals(system)) {
      return history.subList(1, history.size());
    }
    return history;
  }

  /**
   * Claims the answer of every call the input answers, for this request, before anything runs: an
   * answer is used by one response, once, whatever the branch of the conversation, the instance or
   * {@code store}. The answer's journal entry is the call's key with the nonce {@code NONCE#answer}
   * (the loop's own entry for the call stays its business: a call that ran before a failed request is
   * not run again when the request is sent again). Nothing was claimed when this throws.
   */
  private List<CallKey> claimAnswers(List<Answer> answered, String responseId) {
    String holder = "hosting-" + responseId;
    List<CallKey> claimed = new ArrayList<>();
    try {
      for (Answer a : answered) {
        ApprovalToken t = a.token();
        CallKey key = answerKey(t);
        Claim claim;
        try {
          claim = journal.claim(key, holder, clock.instant(), answerLease);
          if (claim instanceof Claim.Expired expired) {
            // the request that held it died: its answer was never used
            claim = journal.takeOver(key, expired.holder(), holder, clock.instant(), answerLease)
                ? new Claim.Acquired(key, holder, clock.instant().plus(answerLease)) : journal.claim(key, holder,
                clock.instant(), answerLease);
          }
        } catch (RuntimeException e) {
          throw new HostedError(503, "server_error", null, "journal_unavailable", "the call journal failed while"
              + " claiming the answer of call " + t.callId() + "; nothing ran: " + e.getMessage());
        }
        if (claim instanceof Claim.Acquired) {
          claimed.add(key);
        } else if (claim instanceof Claim.Done) {
          throw HostedError.invalid(a.param(), "approval_already_used", (t.isApproval() ? "approval request "
              : "call ") + t.callId() + " of tool '" + t.tool() + "' was already answered; an answer is used"
              + " once, and nothing ran again. Continue from the response that answered it");
        } else if (claim instanceof Claim.Conflict) {
          throw HostedError.invalid(a.param(), "approval_request_mismatch", "the answer of call " + t.callId()
              + " is recorded for other arguments of tool '" + t.tool() + "' than this request's; nothing ran");
        } else {
          throw new HostedError(409, "invalid_request_error", a.param(), "call_in_progress", "call " + t.callId()
              + " of tool '" + t.tool() + "' is being answered by another request right now; nothing ran here."
              + " Fetch the latest response of the conversation instead");
        }
      }
      return claimed;
    } catch (RuntimeException e) {
      settleAnswers(claimed, responseId, false);
      throw e;
    }
  }

  /** Records the answers as used by {@code responseId}, or gives them back when the request failed. */
  private void settleAnswers(List<CallKey> claimed, String responseId, boolean used) {
    String holder = "hosting-" + responseId;
    for (CallKey key : claimed) {
      try {
        if (used) {
          journal.complete(key, holder, ToolResult.of(key.callId(), key.tool(), "answered by " + responseId),
              clock.instant());
        } else {
          journal.release(key, holder);
        }
      } catch (RuntimeException e) {
        LOG.warn("could not {} the answer claim of call {} ({}); it ends with its lease", used ? "record" : "release",
            key.callId(), e.getClass().getSimpleName());
      }
    }
  }

  /** A waiting call the input answers, and where the answer stands ({@code input[3].call_id}). */
  private record Answer(ApprovalToken token, String param) {}

  private static CallKey answerKey(ApprovalToken t) {
    CallKey call = t.callKey();
    return new CallKey(call.conversation(), call.callId(), call.nonce() + "#answer", call.tool(), call.fingerprint());
  }

  private static HostedError approvalError(ApprovalException e) {
    String code = switch (e.reason()) {
      case FORGED, UNSIGNED -> "invalid_approval_request_id";
      case EXPIRED -> "approval_request_expired";
      case FOREIGN_CONVERSATION -> "approval_request_foreign";
      case ALREADY_ANSWERED -> "approval_already_used";
      case MISMATCH -> "approval_request_mismatch";
      default -> "invalid_approval_response";
    };
    return HostedError.invalid("input", code, e.getMessage());
  }

  private @Nullable String conversationOf(List<InputItems.Item> items) {
    for (InputItems.Item item : items) {
      String id = item.tokenId();
      if (id != null) {
        ApprovalToken t = tokens.decode(id);
        if (t != null) {
          return t.conversation();
        }
      }
    }
    return null;
  }

  /** The history being built: the stored conversation, then the input items, checked as they come. */
  private final class History {
    final List<Message> messages;
    final String conversation;
    private final List<Content> group = new ArrayList<>();
    private final List<ToolResult> groupResults = new ArrayList<>();
    /** Calls whose answer and result were both sent back (a settled turn of a stateless request). */
    private final java.util.Set<String> settled = new java.util.HashSet<>();

    History(List<Message> stored, String conversation) {
      this.messages = new ArrayList<>(stored);
      this.conversation = conversation;
    }

    /** Adds every item; returns the tokens of the waiting calls the input answers. */
    List<Answer> addAll(List<InputItems.Item> items) {
      List<Answer> answered = new ArrayList<>();
      for (InputItems.Item item : items) {
        String where = "input[" + item.index() + "]";
        if (item instanceof InputItems.Say say) {
          if (say.role() == Role.ASSISTANT) {
            group.add(Text.of(say.text()));
          } else {
            flush();
            messages.add(Message.of(say.role(), Text.of(say.text())));
          }
        } else if (item instanceof InputItems.FunctionCall fc) {
          ApprovalToken t = fc.callId().startsWith(ApprovalToken.CALL_PREFIX)
              ? token(fc.callId(), where + ".call_id") : null;
          if (t == null) {
            group.add(ToolCall.of(fc.callId(), fc.name(), fc.arguments()));
          } else {
            addRequest(request(t, fc.name(), fc.arguments(), where));
          }
        } else if (item instanceof InputItems.ApprovalRequestItem ar) {
          ApprovalToken t = token(ar.id(), where + ".id");
          addRequest(request(t, ar.name(), ar.arguments(), where));
        } else if (item instanceof InputItems.McpCall mc) {
          addMcpCall(mc, where);
        } else if (item instanceof InputItems.FunctionCallOutput out) {
          flush();
          String callId = out.callId();
          if (callId.startsWith(ApprovalToken.CALL_PREFIX)) {
            ApprovalToken t = token(callId, where + ".call_id");
            if (waiting(t.callId()) == null) {
              throw settledOrUnknown(t, where + ".call_id");
            }
            answered.add(new Answer(t, where + ".call_id"));
            callId = t.callId();
          }
          appendTo(Role.TOOL, ToolResult.of(callId, null, out.output()));
        } else if (item instanceof InputItems.ApprovalResponseItem resp) {
          flush();
          String param = where + ".approval_request_id";
          ApprovalToken t = token(resp.approvalRequestId(), param);
          if (!t.isApproval()) {
            throw HostedError.invalid(param, "invalid_approval_request_id", param + " names call " + t.callId()
                + " of tool '" + t.tool() + "', which waits for its output, not for approval; answer it with a"
                + " function_call_output item whose call_id is '" + resp.approvalRequestId() + "'");
          }
          ApprovalRequest request = waiting(t.callId());
          if (request == null || !t.nonce().equals(request.metadata().get(Metadata.NONCE))) {
            throw settledOrUnknown(t, param);
          }
          if (resp.approve() && clock.instant().isAfter(t.expiresAt())) {
            throw HostedError.invalid(param, "approval_request_expired", "approval request " + t.callId()
                + " of tool '" + t.tool() + "' expired at " + t.expiresAt() + "; it can no longer be approved"
                + " (it can still be rejected with approve: false). Nothing ran; ask again");
          }
          ApprovalResponse response = resp.approve() ? ApprovalResponse.approve(request)
              : ApprovalResponse.reject(request, resp.reason());
          appendTo(Role.USER, response);
          answered.add(new Answer(t, param));
        } else {
          throw new IllegalStateException("unhandled input item " + item);
        }
      }
      flush();
      answered.removeIf(a -> settled.contains(a.token().callId())); // sent back with their result: nothing to resume
      return answered;
    }

    /** A token checked for signature and conversation. */
    private ApprovalToken token(String id, String param) {
      ApprovalToken t = tokens.decode(id);
      if (t == null) {
        throw HostedError.invalid(param, "invalid_approval_request_id", param + " '" + abbreviate(id)
            + "' is not an id this server issued (its signature does not match): it was changed, made up or"
            + " signed with another secret. Send back the id exactly as a response of this server gave it");
      }
      if (!t.conversation().equals(conversation)) {
        throw HostedError.invalid(param, "approval_request_foreign", param + " names call " + t.callId()
            + " of another conversation than this request's; an approval answers only in the conversation"
            + " that asked for it. Continue that conversation (its previous_response_id) instead");
      }
      return t;
    }

    private @Nullable ApprovalRequest request(ApprovalToken t, String name, String arguments, String where) {
      ToolCall call = new ToolCall(t.callId(), name, arguments, false, Map.of());
      if (!t.tool().equals(name) || !t.fingerprint().equals(CallKey.fingerprint(call))) {
        throw HostedError.invalid(where + ".arguments", "approval_request_mismatch", where + " carries tool '"
            + name + "' with other arguments than call " + t.callId() + " of tool '" + t.tool() + "' had when"
            + " the server asked for it; send the item back unchanged");
      }
      ApprovalRequest already = waiting(t.callId());
      if (already != null) {
        if (t.nonce().equals(already.metadata().get(Metadata.NONCE))) {
          return null; // the stored request sent back with previous_response_id: it stands once
        }
        throw HostedError.invalid(where, "duplicate_item", where + " is another waiting call with id "
            + t.callId() + " than the one already in the conversation; send each item once");
      }
      return new ApprovalRequest(t.callId(), call, t.requestMetadata());
    }

    private void addRequest(@Nullable ApprovalRequest request) {
      if (request != null) {
        group.add(request);
      }
    }

    private void addMcpCall(InputItems.McpCall mc, String where) {
      String id = mc.id();
      if (id.startsWith(ApprovalToken.CALL_PREFIX) || id.startsWith(ApprovalToken.APPROVAL_PREFIX)) {
        ApprovalToken t = token(id, where + ".id");
        if (mc.output() == null && mc.error() == null) {
          addRequest(request(t, mc.name(), mc.arguments(), where));
          return;
        }
        id = t.callId();
      } else if (id.startsWith(MCP_CALL_PREFIX)) {
        id = id.substring(MCP_CALL_PREFIX.length());
      }
      String output = mc.error() != null ? mc.error() : mc.output() == null ? "" : mc.output();
      ToolResult result = new ToolResult(id, mc.name(), output, mc.error() != null, Map.of());
      if (settle(id, result)) {
        return;
      }
      group.add(ToolCall.of(id, mc.name(), mc.arguments()));
      groupResults.add(result);
    }

    /**
     * When {@code callId} waits earlier in the history, turns the request back into its call, puts
     * the result at the end of the call's block and drops the answer that settled it.
     */
    private boolean settle(String callId, ToolResult result) {
      flush();
      for (int i = messages.size() - 1; i >= 0; i--) {
        Message m = messages.get(i);
        List<Content> contents = new ArrayList<>(m.contents());
        for (int p = 0; p < contents.size(); p++) {
          if (contents.get(p) instanceof ApprovalRequest r && r.callId().equals(callId)) {
            contents.set(p, r.call().asInvocable());
            messages.set(i, m.withContents(contents));
            int end = i + 1;
            while (end < messages.size() && messages.get(end).role() == Role.TOOL) {
              end++;
            }
            messages.add(end, Message.tool(result.withCallId(callId)));
            dropAnswer(callId);
            settled.add(callId);
            return true;
          }
        }
      }
      return false;
    }

    private void dropAnswer(String callId) {
      for (int i = 0; i < messages.size(); i++) {
        Message m = messages.get(i);
        List<Content> kept = new ArrayList<>();
        boolean dropped = false;
        for (Content c : m.contents()) {
          if (c instanceof ApprovalResponse r && r.callId().equals(callId)) {
            dropped = true;
          } else {
            kept.add(c);
          }
        }
        if (dropped) {
          if (kept.isEmpty()) {
            messages.remove(i);
          } else {
            messages.set(i, m.withContents(kept));
          }
          return;
        }
      }
    }

    private @Nullable ApprovalRequest waiting(String callId) {
      for (Content c : group) {
        if (c instanceof ApprovalRequest r && r.callId().equals(callId)) {
          return r;
        }
      }
      for (Message m : messages) {
        for (Content c : m.contents()) {
          if (c instanceof ApprovalRequest r && r.callId().equals(callId)) {
            return r;
          }
        }
      }
      return null;
    }

    private HostedError settledOrUnknown(ApprovalToken t, String param) {
      for (Message m : messages) {
        for (Content c : m.contents()) {
          if ((c instanceof ToolResult r && r.callId().equals(t.callId()))
              || (c instanceof ApprovalResponse a && a.callId().equals(t.callId()))) {
            return HostedError.invalid(param, "approval_already_used", (t.isApproval() ? "approval request "
                : "call ") + t.callId() + " of tool '" + t.tool() + "' was already answered; an answer is used"
                + " once, and nothing ran again. Continue from the response that answered it");
          }
        }
      }
      return HostedError.invalid(param, "approval_request_not_found", "call " + t.callId() + " of tool '"
          + t.tool() + "' does not wait in this conversation. With previous_response_id, answer a call of that"
          + " response; with store: false, send the item that asked (mcp_approval_request or function_call)"
          + " back in the input before its answer");
    }

    private void appendTo(Role role, Content content) {
      if (!messages.isEmpty()) {
        Message last = messages.get(messages.size() - 1);
        boolean sameKind = role == Role.TOOL
            || last.contents().stream().allMatch(c -> c instanceof ApprovalResponse);
        if (last.role() == role && sameKind) {
          List<Content> contents = new ArrayList<>(last.contents());
          contents.add(content);
          messages.set(messages.size() - 1, last.withContents(contents));
          return;
        }
      }
      messages.add(Message.of(role, content));
    }

    private void flush() {
      if (!group.isEmpty()) {
        messages.add(new Message(Role.ASSISTANT, List.copyOf(group), Map.of()));
        group.clear();
      }
      if (!groupResults.isEmpty()) {
        messages.add(new Message(Role.TOOL, List.copyOf(groupResults), Map.of()));
        groupResults.clear();
      }
    }
  }

  private static String status(LoopResult result) {
    boolean incomplete = result.status() == LoopResult.Status.ITERATION_LIMIT
        || result.status() == LoopResult.Status.CALL_LIMIT || result.status() == LoopResult.Status.ERROR_LIMIT;
    return incomplete ? "incomplete" : "completed";
  }

  private ObjectNode response(String id, String model, @Nullable String previous, boolean store,
      @Nullable String instructions, String conversation, String status, ArrayNode output,
      @Nullable LoopResult result) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", id);
    r.put("object", "response");
    r.put("created_at", clock.instant().getEpochSecond());
    r.put("status", status);
    r.putNull("error");
    if (status.equals("incomplete")) {
      r.putObject("incomplete_details").put("reason", "max_tool_calls");
    } else {
      r.putNull("incomplete_details");
    }
    if (instructions == null) {
      r.putNull("instructions");
    } else {
      r.put("instructions", instructions);
    }
    ObjectNode metadata = r.putObject("metadata");
    if (result != null) {
      metadata.put("toolguard_status", result.status().name());
    }
    r.put("model", model);
    r.set("output", output);
    r.put("parallel_tool_calls", true);
    if (previous == null) {
      r.putNull("previous_response_id");
    } else {
      r.put("previous_response_id", previous);
    }
    r.put("store", store);
    r.putNull("temperature");
    r.put("tool_choice", "auto");
    r.putArray("tools");
    r.putNull("top_p");
    r.putObject("conversation").put("id", conversation);
    return r;
  }

  /** The output items of what the run added: messages, calls that ran, and calls that wait. */
  private ArrayNode output(String conversation, LoopResult result) {
    Map<String, ToolCall> calls = new HashMap<>();
    for (Message m : result.history()) {
      for (Content c : m.contents()) {
        if (c instanceof ToolCall call && !call.informational()) {
          calls.put(call.callId(), call);
        }
      }
    }
    Map<String, ToolResult> results = new LinkedHashMap<>();
    for (Message m : result.added()) {
      for (ToolResult tr : m.toolResults()) {
        results.put(tr.callId(), tr);
      }
    }
    ArrayNode out = JSON.createArrayNode();
    java.util.Set<String> shown = new java.util.HashSet<>();
    for (Message m : result.added()) {
      if (m.role() == Role.TOOL) {
        for (ToolResult tr : m.toolResults()) {
          ToolCall call = calls.get(tr.callId());
          if (shown.add(tr.callId())) {
            out.add(mcpCall(call == null ? ToolCall.of(tr.callId(), tr.name() == null ? "" : tr.name(), "{}")
                : call, tr));
          }
        }
        continue;
      }
      if (m.role() != Role.ASSISTANT) {
        continue;
      }
      String text = m.text();
      if (!text.isEmpty()) {
        ObjectNode msg = out.addObject();
        msg.put("type", "message");
        msg.put("id", "msg_" + HexFormat.of().formatHex(randomBytes(12)));
        msg.put("status", "completed");
        msg.put("role", "assistant");
        ObjectNode part = msg.putArray("content").addObject();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
      }
      for (Content c : m.contents()) {
        if (c instanceof ToolCall call && !call.informational()) {
          ToolResult tr = results.get(call.callId());
          if (tr != null && shown.add(call.callId())) {
            out.add(mcpCall(call, tr));
          }
        } else if (c instanceof ApprovalRequest request) {
          ApprovalToken t = ApprovalToken.of(conversation, request);
          String id = tokens.encode(t);
          ToolCall call = request.call();
          ObjectNode item = out.addObject();
          if (t.isApproval()) {
            item.put("type", "mcp_approval_request");
            item.put("id", id);
            item.put("name", call.name());
            item.put("arguments", call.argumentsJson());
            item.put("server_label", serverLabel);
          } else if (Metadata.PENDING_DEFERRED.equals(t.kind())) {
            item.put("type", "mcp_call");
            item.put("id", id);
            item.put("name", call.name());
            item.put("arguments", call.argumentsJson());
            item.put("server_label", serverLabel);
            item.put("status", "in_progress");
            item.putNull("output");
            item.putNull("error");
          } else {
            item.put("type", "function_call");
            item.put("id", "fc_" + HexFormat.of().formatHex(randomBytes(12)));
            item.put("call_id", id);
            item.put("name", call.name());
            item.put("arguments", call.argumentsJson());
            item.put("status", "completed");
          }
        }
      }
    }
    return out;
  }

  private ObjectNode mcpCall(ToolCall call, ToolResult tr) {
    ObjectNode item = JSON.createObjectNode();
    item.put("type", "mcp_call");
    item.put("id", MCP_CALL_PREFIX + call.callId());
    item.put("name", call.name());
    item.put("arguments", call.argumentsJson());
    item.put("server_label", serverLabel);
    item.put("status", tr.error() ? "failed" : "completed");
    if (tr.error()) {
      item.putNull("output");
      // the shape openai-java reads: an MCP tool execution error with text content
      ObjectNode error = item.putObject("error");
      error.put("type", "mcp_tool_execution_error");
      ObjectNode part = error.putArray("content").addObject();
      part.put("type", "text");
      part.put("text", tr.output());
    } else {
      item.put("output", tr.output());
      item.putNull("error");
    }
    return item;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  private static @Nullable String optText(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw HostedError.invalid(field, "invalid_type", "'" + field + "' must be a non-empty string, was "
          + (v.isTextual() ? "blank" : "a JSON " + v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
    }
    return v.asText();
  }

  private static boolean optBool(JsonNode body, String field, boolean orElse) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return orElse;
    }
    if (!v.isBoolean()) {
      throw HostedError.invalid(field, "invalid_type", "'" + field + "' must be true or false, was "
          + v.toString());
    }
    return v.asBoolean();
  }
}
