using CohortFunctions.Identifiers;
using CohortFunctions.Resync;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of a pending identifier row.</summary>
internal sealed class PendingEntity : TableRow
{
    /// <summary>x (external id), d (device id) or a (alias).</summary>
    public string Kind { get; set; } = "";

    public string Value { get; set; } = "";

    public string? AliasLabel { get; set; }

    public bool Remove { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>A tombstone: a later postback applied this identifier, so no older intent may be applied.</summary>
    public bool Superseded { get; set; }

    public static PendingEntity For(Identifier identifier, bool remove, DateTimeOffset at, bool superseded) => new()
    {
        Kind = identifier.Kind switch
        {
            IdentifierKind.ExternalId => "x",
            IdentifierKind.DeviceId => "d",
            _ => "a",
        },
        Value = identifier.Value,
        AliasLabel = identifier.AliasLabel,
        Remove = remove,
        At = at,
        Superseded = superseded,
    };

    public Identifier ToIdentifier() => Kind switch
    {
        "x" => Identifier.External(Value),
        "d" => Identifier.Device(Value),
        _ => Identifier.Alias(new UserAlias(Value, AliasLabel ?? "")),
    };

    public PendingIdentifier ToPending() => new(ToIdentifier(), Remove, At, Superseded, ETag);
}
