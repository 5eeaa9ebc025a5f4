using CohortFunctions.Identifiers;
using CohortFunctions.Resync;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of a pending identifier row.</summary>
internal sealed class PendingEntity : TableRow
{
    /// <summary>The kind's code (<see cref="StorageKeys.KindCode"/>).</summary>
    public string Kind { get; set; } = "";

    public string Value { get; set; } = "";

    public string? AliasLabel { get; set; }

    public bool Remove { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>A tombstone: a later postback applied this identifier, so no older intent may be applied.</summary>
    public bool Superseded { get; set; }

    public static PendingEntity For(Identifier identifier, bool remove, DateTimeOffset at, bool superseded) => new()
    {
        Kind = StorageKeys.KindCode(identifier.Kind),
        Value = identifier.Value,
        AliasLabel = identifier.AliasLabel,
        Remove = remove,
        At = at,
        Superseded = superseded,
    };

    public Identifier ToIdentifier() =>
        Kind == StorageKeys.KindCode(IdentifierKind.ExternalId) ? Identifier.External(Value)
        : Kind == StorageKeys.KindCode(IdentifierKind.DeviceId) ? Identifier.Device(Value)
        : Identifier.Alias(new UserAlias(Value, AliasLabel ?? ""));

    public PendingIdentifier ToPending() => new(ToIdentifier(), Remove, At, Superseded, ETag);
}
