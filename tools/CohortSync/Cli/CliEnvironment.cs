namespace CohortFunctions.CohortSync.Cli;

/// <summary>What the command reads and writes outside its arguments, so tests can run it in process.</summary>
/// <param name="Out">Summaries (text, or JSON with <c>--json</c>).</param>
/// <param name="Error">The plan, progress, waits and errors.</param>
/// <param name="GetVariable">Environment variables: the keys may come from there.</param>
/// <param name="Handler">The HTTP handler to send through; <c>null</c> for a real connection pool.</param>
/// <param name="Time">The clock of the cadence and of progress lines.</param>
internal sealed record CliEnvironment(TextWriter Out, TextWriter Error, Func<string, string?> GetVariable, HttpMessageHandler? Handler, TimeProvider Time)
{
    public const string PartnerApiKeyVariable = "COHORT_SYNC_PARTNER_API_KEY";

    public const string DataImportKeyVariable = "COHORT_SYNC_DATA_IMPORT_KEY";

    public const string FunctionKeyVariable = "COHORT_SYNC_FUNCTION_KEY";

    public static CliEnvironment System { get; } = new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, null, TimeProvider.System)
    {
        ErrorIsTerminal = !Console.IsErrorRedirected,
        TerminalWidth = () => Console.IsErrorRedirected ? 0 : Console.WindowWidth,
    };

    /// <summary>Whether <see cref="Error"/> is a terminal: progress is then a bar redrawn in place, else plain lines.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>The terminal's width in columns, read when a bar is drawn (it may change); 0 when unknown.</summary>
    public Func<int> TerminalWidth { get; init; } = () => 0;
}
