namespace CohortFunctions.CohortSync.Http;

/// <summary>A value that must never be shown, and what a server message shows instead when it echoes it.</summary>
internal sealed record Secret(string Value, string Replacement)
{
    /// <summary>
    /// Values shorter than this are not searched for: real keys are far longer, and replacing every "d" of a
    /// message for a one-letter test key would make it unreadable.
    /// </summary>
    public const int MinRedactedLength = 6;

    public string RedactIn(string message) =>
        Value.Length >= MinRedactedLength ? message.Replace(Value, Replacement, StringComparison.Ordinal) : message;

    /// <summary>Prevents the value from appearing in a generated <c>ToString</c> (a log line, a debugger view).</summary>
    public override string ToString() => Replacement;
}
