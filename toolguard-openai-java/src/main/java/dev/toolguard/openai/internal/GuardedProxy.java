package dev.toolguard.openai.internal;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.StructuredResponse;
import com.openai.models.responses.StructuredResponseCreateParams;
import com.openai.services.async.ChatServiceAsync;
import com.openai.services.async.ResponseServiceAsync;
import com.openai.services.async.chat.ChatCompletionServiceAsync;
import com.openai.services.blocking.ChatService;
import com.openai.services.blocking.ResponseService;
import com.openai.services.blocking.chat.ChatCompletionService;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The dynamic proxy behind a guarded client. It forwards every call to the real client, with two
 * exceptions: the params of {@code create}/{@code createStreaming} of Chat Completions and
 * Responses are repaired first, and what leads to those services ({@code chat()}, {@code
 * completions()}, {@code responses()}, {@code withRawResponse()}, {@code withOptions(…)}, {@code
 * async()}, {@code sync()}) comes back guarded too. Responses the client receives are remembered
 * (for calls held on the server).
 */
public final class GuardedProxy implements InvocationHandler {

  /** The interfaces on the way to a create call; a value of one of them is returned guarded. */
  private static final Set<Class<?>> PATH = Set.of(
      OpenAIClient.class, OpenAIClient.WithRawResponse.class,
      OpenAIClientAsync.class, OpenAIClientAsync.WithRawResponse.class,
      ChatService.class, ChatService.WithRawResponse.class,
      ChatServiceAsync.class, ChatServiceAsync.WithRawResponse.class,
      ChatCompletionService.class, ChatCompletionService.WithRawResponse.class,
      ChatCompletionServiceAsync.class, ChatCompletionServiceAsync.WithRawResponse.class,
      ResponseService.class, ResponseService.WithRawResponse.class,
      ResponseServiceAsync.class, ResponseServiceAsync.WithRawResponse.class);

  /** The Responses services, whose results are remembered. */
  private static final Set<Class<?>> RESPONSES = Set.of(
      ResponseService.class, ResponseService.WithRawResponse.class,
      ResponseServiceAsync.class, ResponseServiceAsync.WithRawResponse.class);

  private static final Set<String> OBSERVED = Set.of("create", "createStreaming", "retrieve", "retrieveStreaming");

  private final Class<?> type;
  private final Object target;
  private final RequestGuard guard;

  private GuardedProxy(Class<?> type, Object target, RequestGuard guard) {
    this.type = type;
    this.target = target;
    this.guard = guard;
  }

  /** {@code target} seen through {@code type}, guarded by {@code guard}. */
  public static <T> T wrap(Class<T> type, T target, RequestGuard guard) {
    if (Proxy.isProxyClass(target.getClass()) && Proxy.getInvocationHandler(target) instanceof GuardedProxy) {
      return target; // already guarded
    }
    Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        new GuardedProxy(type, target, guard));
    return type.cast(proxy);
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "equals":
          return args != null && proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "OpenAiToolGuard[" + target + "]";
        default:
          break;
      }
    }
    Object[] actual = args;
    String name = method.getName();
    if (args != null && args.length > 0 && (name.equals("create") || name.equals("createStreaming"))) {
      actual = repaired(args);
    }
    Object result;
    try {
      result = method.invoke(target, actual);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (result == null) {
      return null;
    }
    Class<?> returns = method.getReturnType();
    if (PATH.contains(returns)) {
      return wrapAny(returns, result);
    }
    if (RESPONSES.contains(type) && OBSERVED.contains(name)) {
      return observe(result);
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private <T> T wrapAny(Class<T> returns, Object result) {
    return wrap(returns, (T) result, guard);
  }

  private Object[] repaired(Object[] args) {
    Object first = args[0];
    Object replacement = first;
    if (first instanceof ChatCompletionCreateParams p) {
      replacement = guard.chat(p);
    } else if (first instanceof ResponseCreateParams p) {
      replacement = guard.responses(p);
    } else if (first instanceof StructuredChatCompletionCreateParams<?> p) {
      ChatCompletionCreateParams raw = guard.chat(p.rawParams());
      replacement = raw == p.rawParams() ? p : structured(p, raw);
    } else if (first instanceof StructuredResponseCreateParams<?> p) {
      ResponseCreateParams raw = guard.responses(p.rawParams());
      replacement = raw == p.rawParams() ? p : structured(p, raw);
    }
    if (replacement == first) {
      return args;
    }
    Object[] copy = args.clone();
    copy[0] = replacement;
    return copy;
  }

  private static <T> StructuredChatCompletionCreateParams<T> structured(
      StructuredChatCompletionCreateParams<T> p, ChatCompletionCreateParams raw) {
    return new StructuredChatCompletionCreateParams<>(p.responseType(), raw);
  }

  private static <T> StructuredResponseCreateParams<T> structured(
      StructuredResponseCreateParams<T> p, ResponseCreateParams raw) {
    return new StructuredResponseCreateParams<>(p.responseType(), raw);
  }

  // ------------------------------------------------------------------ remembering responses

  /** {@code value} as returned, with the responses in it remembered when they arrive. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object observe(Object value) {
    if (value instanceof Response r) {
      guard.state().record(r);
      return r;
    }
    if (value instanceof StructuredResponse<?> s) {
      guard.state().record(s.rawResponse());
      return s;
    }
    if (value instanceof StreamResponse<?> s) {
      return new ObservedStream((StreamResponse<Object>) s);
    }
    if (value instanceof HttpResponseFor<?> h) {
      return new ObservedHttpResponse((HttpResponseFor<Object>) h);
    }
    if (value instanceof AsyncStreamResponse<?> a) {
      return new ObservedAsyncStream((AsyncStreamResponse<Object>) a);
    }
    if (value instanceof CompletableFuture<?> f) {
      CompletableFuture<Object> observed = ((CompletableFuture<Object>) f).thenApply(this::observe);
      observed.whenComplete((v, e) -> {
        if (observed.isCancelled()) {
          f.cancel(true);
        }
      });
      return observed;
    }
    return value;
  }

  private void observeEvent(Object event) {
    if (event instanceof ResponseStreamEvent e) {
      if (e.isCompleted()) {
        guard.state().record(e.asCompleted().response());
      } else if (e.isIncomplete()) {
        guard.state().record(e.asIncomplete().response());
      } else if (e.isFailed()) {
        guard.state().record(e.asFailed().response());
      }
    }
  }

  /** A stream whose terminal events are remembered as they pass. */
  private final class ObservedStream implements StreamResponse<Object> {
    private final StreamResponse<Object> delegate;

    ObservedStream(StreamResponse<Object> delegate) {
      this.delegate = delegate;
    }

    @Override
    public Stream<Object> stream() {
      return delegate.stream().peek(GuardedProxy.this::observeEvent);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** A raw response whose parsed value is remembered. */
  private final class ObservedHttpResponse implements HttpResponseFor<Object> {
    private final HttpResponseFor<Object> delegate;

    ObservedHttpResponse(HttpResponseFor<Object> delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object parse() {
      return observe(delegate.parse());
    }

    @Override
    public int statusCode() {
      return delegate.statusCode();
    }

    @Override
    public Headers headers() {
      return delegate.headers();
    }

    @Override
    public InputStream body() {
      return delegate.body();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** An async stream whose terminal events are remembered before the handler sees them. */
  private final class ObservedAsyncStream implements AsyncStreamResponse<Object> {
    private final AsyncStreamResponse<Object> delegate;

    ObservedAsyncStream(AsyncStreamResponse<Object> delegate) {
      this.delegate = delegate;
    }

    @Override
    public AsyncStreamResponse<Object> subscribe(Handler<? super Object> handler) {
      delegate.subscribe(observing(handler));
      return this;
    }

    @Override
    public AsyncStreamResponse<Object> subscribe(Handler<? super Object> handler, Executor executor) {
      delegate.subscribe(observing(handler), executor);
      return this;
    }

    private Handler<Object> observing(Handler<? super Object> handler) {
      return new Handler<>() {
        @Override
        public void onNext(Object value) {
          observeEvent(value);
          handler.onNext(value);
        }

        @Override
        public void onComplete(Optional<Throwable> error) {
          handler.onComplete(error);
        }
      };
    }

    @Override
    public CompletableFuture<Void> onCompleteFuture() {
      return delegate.onCompleteFuture();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
