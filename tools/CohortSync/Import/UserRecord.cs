namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// One line of a user file that is not blank: the user it holds, or why it is malformed (and so is never sent).
/// Exactly one of <see cref="Entry"/> and <see cref="Problem"/> is set.
/// </summary>
/// <param name="Line">The 1-based line in the file, counting every line (the header and blank lines too).</param>
/// <param name="Entry">The user to send.</param>
/// <param name="Problem">What is wrong with the line; never a value from it (values may be personal data).</param>
public sealed record UserRecord(long Line, UserEntry? Entry, string? Problem)
{
    public static UserRecord Valid(long line, UserEntry entry) => new(line, entry, null);

    public static UserRecord Malformed(long line, string problem) => new(line, null, problem);
}
