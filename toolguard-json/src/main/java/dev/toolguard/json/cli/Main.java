package dev.toolguard.json.cli;

import dev.toolguard.core.Dialect;
import dev.toolguard.json.WireAction;
import dev.toolguard.json.WireFormatException;
import dev.toolguard.json.WireGuard;
import dev.toolguard.json.WireRepair;
import dev.toolguard.json.WireViolation;
import dev.toolguard.json.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code toolguard} command line.
 *
 * <pre>
 * toolguard check  --dialect openai-chat|openai-responses|anthropic FILE|-
 * toolguard repair --dialect openai-chat|openai-responses|anthropic FILE|-
 * </pre>
 *
 * <p>Exit codes: 0 valid (check) or repaired (repair); 1 violations found (check); 2 bad usage or
 * bad input (not JSON, not a request body of the dialect, unreadable file); 3 an internal error, or
 * not enough memory for the body (one line that names its size and says to raise {@code -Xmx}).
 *
 * <p>Check and repair take time and memory in proportion to the body: no part of the history is
 * scanned again per violation, so a body of tens of megabytes with thousands of violations is fine.
 */
public final class Main {

  /** Exit code: the body is valid, or repair wrote it. */
  public static final int OK = 0;
  /** Exit code: check found violations. */
  public static final int VIOLATIONS = 1;
  /** Exit code: bad usage or bad input. */
  public static final int BAD_INPUT = 2;
  /** Exit code: toolguard failed (a bug; please report it), or the body does not fit in the memory given. */
  public static final int INTERNAL_ERROR = 3;

  static final String USAGE = String.join("\n",
      "usage: toolguard check  --dialect DIALECT FILE|-",
      "       toolguard repair --dialect DIALECT FILE|-",
      "",
      "  DIALECT  openai-chat | openai-responses | anthropic",
      "  FILE     a request body (JSON); - reads standard input",
      "",
      "check   lists every violation, one per line, on standard output;",
      "        exit 0 when the body is valid, 1 when it has violations.",
      "repair  writes the repaired body to standard output and the report, one",
      "        action per line, to standard error; exit 0. A valid body comes out as it came in.",
      "",
      "Exit 2: bad usage, or input that is not JSON or not a request body of the dialect.",
      "");

  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    // the report is printed by the command itself; the library's WARN logs would repeat it
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
    }
    System.exit(run(args, System.in, System.out, System.err));
  }

  /**
   * Runs the command line on the given streams.
   *
   * @return the exit code
   */
  public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        out.print(USAGE);
        out.flush();
        return OK;
      }
    }
    if (args.length == 0) {
      return usage(err, "no command given");
    }
    String command = args[0];
    if (!command.equals("check") && !command.equals("repair")) {
      return usage(err, "unknown command '" + command + "'; use check or repair");
    }
    String dialectId = null;
    String file = null;
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--dialect")) {
        if (i + 1 >= args.length) {
          return usage(err, "--dialect needs a value (openai-chat, openai-responses or anthropic)");
        }
        dialectId = args[++i];
      } else if (a.startsWith("--dialect=")) {
        dialectId = a.substring("--dialect=".length());
      } else if (a.startsWith("-") && !a.equals("-")) {
        return usage(err, "unknown option '" + a + "'");
      } else if (file != null) {
        return usage(err, "more than one input given ('" + file + "' and '" + a + "'); give one FILE or -");
      } else {
        file = a;
      }
    }
    if (dialectId == null) {
      return usage(err, "no dialect given; add --dialect openai-chat, openai-responses or anthropic");
    }
    Dialect dialect;
    try {
      dialect = Dialect.fromId(dialectId);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    if (file == null) {
      return usage(err, "no input given; give a FILE, or - for standard input");
    }
    long[] size = {-1};
    try {
      return runOn(command, dialect, file, in, out, err, size);
    } catch (OutOfMemoryError e) {
      // what was read and built is garbage now: there is room for one line
      err.println(outOfMemory(size[0]));
      err.flush();
      return INTERNAL_ERROR;
    }
  }

  /** The line printed when the body does not fit in the heap; {@code bytes} is its size, or -1 when not known. */
  static String outOfMemory(long bytes) {
    long mb = bytes < 0 ? -1 : Math.max(1, (bytes + 999_999) / 1_000_000);
    return "toolguard: not enough memory for a body of " + (mb < 0 ? "this size" : mb + " MB") + "; raise -Xmx";
  }

  private static int runOn(String command, Dialect dialect, String file, InputStream in, PrintStream out,
      PrintStream err, long[] size) {
    String body;
    try {
      body = readInput(file, in, size);
    } catch (BadInput e) {
      err.println(printable("toolguard: " + e.getMessage()));
      return BAD_INPUT;
    }
    try {
      if (command.equals("check")) {
        List<WireViolation> violations = WireGuard.ofDefaults().check(dialect, body);
        for (WireViolation v : violations) {
          out.println(printable(v.toString()));
        }
        out.flush();
        return violations.isEmpty() ? OK : VIOLATIONS;
      }
      WireRepair repair = WireGuard.ofDefaults().repair(dialect, body);
      if (repair.changed()) {
        String text = looksIndented(body) ? Json.writePretty(Json.parse(repair.body())) : repair.body();
        out.print(text);
        out.print('\n');
      } else {
        out.print(repair.body());
      }
      out.flush();
      for (WireAction a : repair.actions()) {
        err.println(printable(a.toString()));
      }
      err.flush();
      return OK;
    } catch (WireFormatException e) {
      err.println(printable("toolguard: " + e.problem() + " (" + e.path() + ")"));
      return BAD_INPUT;
    } catch (RuntimeException e) {
      err.println(printable("toolguard: internal error, please report it: " + Json.oneLine(String.valueOf(e))));
      return INTERNAL_ERROR;
    }
  }

  private static int usage(PrintStream err, String problem) {
    err.println(printable("toolguard: " + problem));
    err.print(USAGE);
    err.flush();
    return BAD_INPUT;
  }

  /**
   * {@code line} with every control character written as {@code \\uXXXX}: an id or a tool name from a
   * body may hold line breaks, NUL or terminal escapes, and a report line must stay one line and must
   * not drive the user's terminal.
   */
  static String printable(String line) {
    StringBuilder sb = null;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (Character.isISOControl(c)) {
        if (sb == null) {
          sb = new StringBuilder(line.length() + 16).append(line, 0, i);
        }
        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? line : sb.toString();
  }

  /** A line break between the first and the last character that is not white space; the body is not copied. */
  static boolean looksIndented(String body) {
    int end = body.length();
    while (end > 0 && Character.isWhitespace(body.charAt(end - 1))) {
      end--;
    }
    int start = 0;
    while (start < end && Character.isWhitespace(body.charAt(start))) {
      start++;
    }
    int lineBreak = body.indexOf('\n', start);
    return lineBreak >= 0 && lineBreak < end;
  }

  /** Input that cannot be read; the message says what and where. */
  private static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }

  private static String readInput(String file, InputStream in, long[] size) throws BadInput {
    byte[] bytes;
    String where = file.equals("-") ? "standard input" : file;
    try {
      if (file.equals("-")) {
        bytes = readAll(in, size);
      } else {
        size[0] = Files.size(Path.of(file));
        bytes = Files.readAllBytes(Path.of(file));
      }
    } catch (NoSuchFileException e) {
      throw new BadInput("cannot read the input: no such file (" + where + ")");
    } catch (AccessDeniedException e) {
      throw new BadInput("cannot read the input: permission denied (" + where + ")");
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw new BadInput("cannot read the input: " + Json.oneLine(describe(e)) + " (" + where + ")");
    }
    if (!isUtf8(bytes)) {
      throw new BadInput("not JSON: the input is not UTF-8 text (" + where + ")");
    }
    // checked first, then made a String at once: decoding into a CharBuffer would hold the body a third
    // time, at two bytes a character (a 50 MB body took 200 MB to read)
    int bom = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF
        ? 3 : 0;
    return new String(bytes, bom, bytes.length - bom, StandardCharsets.UTF_8);
  }

  /** True when {@code bytes} are well-formed UTF-8; decoded through a small buffer, so nothing is kept. */
  static boolean isUtf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(8192);
    for (boolean flushing = false; ; ) {
      CoderResult r = flushing ? decoder.flush(out) : decoder.decode(in, out, true);
      if (r.isError()) {
        return false;
      }
      if (r.isOverflow()) {
        out.clear();
      } else if (flushing) {
        return true;
      } else {
        flushing = true;
      }
    }
  }

  /** All of {@code in}, counting the bytes in {@code size[0]} as they come (so that an out-of-memory line can name it). */
  private static byte[] readAll(InputStream in, long[] size) throws IOException {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(1 << 16);
    byte[] chunk = new byte[1 << 16];
    size[0] = 0;
    for (int n; (n = in.read(chunk)) >= 0; ) {
      buffer.write(chunk, 0, n);
      size[0] += n;
    }
    return buffer.toByteArray();
  }

  private static String describe(@Nullable Exception e) {
    if (e == null) {
      return "unknown error";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
