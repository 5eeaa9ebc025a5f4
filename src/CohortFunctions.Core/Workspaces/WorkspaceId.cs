using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace CohortFunctions.Workspaces;

/// <summary>
/// A tenant of the platform. Workspaces are created implicitly by the first key generated for them; the id is
/// also a safe Table Storage key fragment because of its restricted alphabet.
/// </summary>
internal readonly partial record struct WorkspaceId
{
    private WorkspaceId(string value) => Value = value;

    public string Value { get; }

    public const string Rule = "a workspace id is 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit";

    public static bool TryParse([NotNullWhen(true)] string? value, out WorkspaceId id)
    {
        if (value is not null && Pattern().IsMatch(value))
        {
            id = new WorkspaceId(value);
            return true;
        }

        id = default;
        return false;
    }

    public override string ToString() => Value;

    // \z, not $: $ also matches before a final newline, which would let "acme\n" through into a table key.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
