using System.Text.RegularExpressions;
using CohortFunctions.Results;

namespace CohortFunctions.Workspaces;

/// <summary>
/// A tenant of the platform. Workspaces are created implicitly by the first key generated for them; the id is
/// also a safe Table Storage key fragment because of its restricted alphabet.
/// </summary>
internal readonly partial record struct WorkspaceId
{
    public const string Rule = "a workspace id is 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit";

    /// <summary>What every endpoint answers for a workspace id that breaks <see cref="Rule"/>.</summary>
    public const string InvalidMessage = "Invalid workspace id: " + Rule + ".";

    private WorkspaceId(string value) => Value = value;

    public string Value { get; }

    /// <summary>The workspace id in <paramref name="value"/>, or the invalid-request failure every endpoint answers.</summary>
    public static Result<WorkspaceId> Parse(string? value) =>
        value is not null && Pattern().IsMatch(value) ? new WorkspaceId(value) : Failure.Invalid(InvalidMessage);

    public override string ToString() => Value;

    // \z, not $: $ also matches before a final newline, which would let "acme\n" through into a table key.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
