using System.Diagnostics.CodeAnalysis;

namespace CohortFunctions.History;

/// <summary>The names of <see cref="SyncKind"/> in the API and in storage.</summary>
internal static class SyncKinds
{
    public static string Name(SyncKind kind) => kind switch
    {
        SyncKind.Name => "name",
        SyncKind.Changes => "changes",
        SyncKind.CredentialTest => "credential_test",
        SyncKind.Resync => "resync",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sync kind."),
    };

    public static bool TryParse(string? name, [NotNullWhen(true)] out SyncKind? kind)
    {
        kind = name switch
        {
            "name" => SyncKind.Name,
            "changes" => SyncKind.Changes,
            "credential_test" => SyncKind.CredentialTest,
            "resync" => SyncKind.Resync,
            _ => null,
        };
        return kind is not null;
    }
}
