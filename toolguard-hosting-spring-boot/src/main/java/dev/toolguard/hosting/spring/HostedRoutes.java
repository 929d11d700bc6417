package dev.toolguard.hosting.spring;

import dev.toolguard.hosting.ResponsesEndpoint;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Spring MVC routes that hand every request under a {@link ResponsesEndpoint}'s path to it, writing
 * its answer (JSON, or Server-Sent Events as they come) to the servlet response.
 */
public final class HostedRoutes {

  private HostedRoutes() {}

  /** The routes of {@code endpoint}: {@code endpoint.path()} and every path under it, any method. */
  public static RouterFunction<ServerResponse> of(ResponsesEndpoint endpoint) {
    if (endpoint == null) {
      throw new IllegalArgumentException("endpoint must not be null");
    }
    return RouterFunctions.route(RequestPredicates.path(endpoint.path())
        .or(RequestPredicates.path(endpoint.path() + "/**")), request -> ServerResponse.ok().build((req, res) -> {
          endpoint.handle(req.getMethod(), request.requestPath().pathWithinApplication().value(),
              req.getContentType(), req.getInputStream(), new ServletExchange(res));
          return null;
        }));
  }

  /** Writes the endpoint's answers to a servlet response. */
  private static final class ServletExchange implements ResponsesEndpoint.Exchange {
    private final HttpServletResponse response;
    private boolean streaming;

    ServletExchange(HttpServletResponse response) {
      this.response = response;
    }

    @Override
    public void json(int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      response.setStatus(status);
      response.setContentType("application/json");
      response.setContentLength(bytes.length);
      try (OutputStream out = response.getOutputStream()) {
        out.write(bytes);
      }
    }

    @Override
    public void event(String type, String data) throws IOException {
      if (!streaming) {
        streaming = true;
        response.setStatus(200);
        response.setContentType("text/event-stream;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
      }
      OutputStream out = response.getOutputStream();
      out.write(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }
}
