package dev.toolguard.examples.openai;

/** The project version of these examples, for their {@code --version}: from a resource the build filters. */
public final class ExampleVersion {

  private ExampleVersion() {}

  /** The version in {@code version.properties} next to this class; {@code "unknown"} when it cannot be read. */
  public static String read() {
    try (java.io.InputStream in = ExampleVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
