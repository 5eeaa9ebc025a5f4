namespace CohortFunctions.Identifiers;

/// <summary>
/// One identifier as a partner sends it. For aliases <see cref="Value"/> is the alias name and
/// <see cref="AliasLabel"/> its label.
/// </summary>
internal sealed record Identifier(IdentifierKind Kind, string Value, string? AliasLabel = null)
{
    public static Identifier External(string externalId) => new(IdentifierKind.ExternalId, externalId);

    public static Identifier Device(string deviceId) => new(IdentifierKind.DeviceId, deviceId);

    public static Identifier Alias(UserAlias alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return new(IdentifierKind.Alias, alias.AliasName, alias.AliasLabel);
    }

    public override string ToString() => Kind switch
    {
        IdentifierKind.Alias => $"alias {AliasLabel}={Value}",
        IdentifierKind.DeviceId => $"device_id {Value}",
        _ => $"external_id {Value}",
    };
}
