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
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code toolguard} command line (picocli: {@code --help} and {@code --version} on every command,
 * and {@code generate-completion} for a bash/zsh completion script).
 *
 * <pre>
 * toolguard check  --dialect openai-chat|openai-responses|anthropic FILE|-
 * toolguard repair --dialect openai-chat|openai-responses|anthropic FILE|-
 * toolguard generate-completion
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
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cli = commandLine(in, out, err).setOut(outWriter).setErr(errWriter);
    try {
      return cli.execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
      out.flush();
      err.flush();
    }
  }

  /** The picocli command line of {@code toolguard}, reading {@code in} and writing the reports to {@code out} and {@code err}. */
  static CommandLine commandLine(InputStream in, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Toolguard());
    cli.addSubcommand(new CommandLine(new Check(in, out, err)));
    cli.addSubcommand(new CommandLine(new Repair(in, out, err)));
    cli.addSubcommand(new CommandLine(new AutoComplete.GenerateCompletion()));
    cli.setParameterExceptionHandler(Main::badUsage);
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      command.getErr().println(printable("toolguard: internal error, please report it: " + Json.oneLine(String.valueOf(e))));
      return INTERNAL_ERROR;
    });
    return cli;
  }

  /** The usage text of {@code toolguard} ({@code command} null) or of one of its commands. */
  static String usage(@Nullable String command) {
    CommandLine cli = commandLine(InputStream.nullInputStream(), System.out, System.err);
    return (command == null ? cli : cli.getSubcommands().get(command)).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  /** Bad usage: one line that names the problem, then the usage of the command it was given to; exit 2. */
  private static int badUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(printable("toolguard: " + e.getMessage()));
    command.usage(err, CommandLine.Help.Ansi.OFF);
    err.flush();
    return BAD_INPUT;
  }

  /** The top command: its subcommands do the work. */
  @Command(name = "toolguard", mixinStandardHelpOptions = true, versionProvider = Version.class,
      usageHelpAutoWidth = false, sortOptions = false,
      description = "Checks and repairs the tool calls and tool results of a chat history: a request body"
          + " of OpenAI Chat Completions, OpenAI Responses or Anthropic Messages.",
      commandListHeading = "%nCommands:%n",
      footerHeading = "%n",
      footer = {"Completion (bash or zsh): source <(toolguard generate-completion), with toolguard on the"
          + " PATH or an alias:",
          "  alias toolguard='java -jar toolguard-json/target/toolguard.jar'"},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
          "0:valid (check), or the repaired body was written (repair)",
          "1:check found violations",
          "2:bad usage, or input that is not JSON or not a request body of the dialect",
          "3:not enough memory for the body (raise -Xmx), or an internal error"})
  static final class Toolguard {}

  /** The options and the input of {@code check} and {@code repair}. */
  abstract static class BodyCommand implements Callable<Integer> {
    private final InputStream in;
    final PrintStream out;
    final PrintStream err;

    @Option(names = "--dialect", required = true, paramLabel = "DIALECT", converter = DialectConverter.class,
        completionCandidates = Dialects.class,
        description = "openai-chat | openai-responses | anthropic")
    @Nullable Dialect dialect;

    @Parameters(index = "0", paramLabel = "FILE|-", arity = "1",
        description = "a request body (JSON); - reads standard input")
    @Nullable String file;

    BodyCommand(InputStream in, PrintStream out, PrintStream err) {
      this.in = in;
      this.out = out;
      this.err = err;
    }

    @Override
    public Integer call() {
      long[] size = {-1};
      try {
        String body;
        try {
          body = readInput(java.util.Objects.requireNonNull(file), in, size);
        } catch (BadInput e) {
          err.println(printable("toolguard: " + e.getMessage()));
          err.flush();
          return BAD_INPUT;
        }
        try {
          return run(java.util.Objects.requireNonNull(dialect), body);
        } catch (WireFormatException e) {
          err.println(printable("toolguard: " + e.problem() + " (" + e.path() + ")"));
          err.flush();
          return BAD_INPUT;
        } catch (RuntimeException e) {
          err.println(printable("toolguard: internal error, please report it: " + Json.oneLine(String.valueOf(e))));
          err.flush();
          return INTERNAL_ERROR;
        }
      } catch (OutOfMemoryError e) {
        // what was read and built is garbage now: there is room for one line
        err.println(outOfMemory(size[0]));
        err.flush();
        return INTERNAL_ERROR;
      }
    }

    abstract int run(Dialect dialect, String body);
  }

  /** {@code toolguard check}. */
  @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class,
      usageHelpAutoWidth = false, sortOptions = false,
      description = "Lists every violation on standard output, one per line: code, where, call id, the"
          + " provider's error.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the body is valid", "1:the body has violations",
          "2:bad usage, or input that is not JSON or not a request body of the dialect",
          "3:not enough memory for the body (raise -Xmx), or an internal error"})
  static final class Check extends BodyCommand {
    Check(InputStream in, PrintStream out, PrintStream err) {
      super(in, out, err);
    }

    @Override
    int run(Dialect dialect, String body) {
      List<WireViolation> violations = WireGuard.ofDefaults().check(dialect, body);
      for (WireViolation v : violations) {
        out.println(printable(v.toString()));
      }
      out.flush();
      return violations.isEmpty() ? OK : VIOLATIONS;
    }
  }

  /** {@code toolguard repair}. */
  @Command(name = "repair", mixinStandardHelpOptions = true, versionProvider = Version.class,
      usageHelpAutoWidth = false, sortOptions = false,
      description = "Writes the repaired body to standard output and the report, one action per line, to"
          + " standard error. A valid body comes out as it came in.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the repaired (or unchanged) body was written",
          "2:bad usage, or input that is not JSON or not a request body of the dialect",
          "3:not enough memory for the body (raise -Xmx), or an internal error"})
  static final class Repair extends BodyCommand {
    Repair(InputStream in, PrintStream out, PrintStream err) {
      super(in, out, err);
    }

    @Override
    int run(Dialect dialect, String body) {
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
    }
  }

  /** {@code --dialect}: a dialect id, or the error that lists the ids. */
  static final class DialectConverter implements CommandLine.ITypeConverter<Dialect> {
    @Override
    public Dialect convert(String value) {
      Dialect dialect;
      try {
        dialect = Dialect.fromId(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("unknown dialect '" + value + "'; use one of " + ids());
      }
      if (!dev.toolguard.json.WireCodec.supported().contains(dialect)) {
        throw new CommandLine.TypeConversionException("dialect '" + value + "' has no codec in this version; use"
            + " one of " + ids());
      }
      return dialect;
    }
  }

  /** The dialect ids, for the usage and the completion script. */
  static final class Dialects implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      List<String> ids = new java.util.ArrayList<>();
      for (Dialect d : dev.toolguard.json.WireCodec.supported()) {
        ids.add(d.id());
      }
      return ids.iterator();
    }
  }

  /** The ids of the dialects that have a codec, joined by commas. */
  static String ids() {
    return String.join(", ", new Dialects());
  }

  /** {@code --version}: {@code toolguard VERSION}, the project version written into the jar at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"toolguard " + version()};
    }

    /** The project version, from the resource that the build filters. */
    static String version() {
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "unknown";
        }
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }
  }

  /** The line printed when the body does not fit in the heap; {@code bytes} is its size, or -1 when not known. */
  static String outOfMemory(long bytes) {
    long mb = bytes < 0 ? -1 : Math.max(1, (bytes + 999_999) / 1_000_000);
    return "toolguard: not enough memory for a body of " + (mb < 0 ? "this size" : mb + " MB") + "; raise -Xmx";
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
