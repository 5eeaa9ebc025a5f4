namespace CohortFunctions.CohortSync.Members;

/// <summary>The three identifier types of Braze's user cohort endpoint.</summary>
public enum IdentifierKind
{
    /// <summary>Sent in <c>user_ids</c>: the Braze external id.</summary>
    UserId,

    /// <summary>Sent in <c>device_ids</c>: matches anonymous users only.</summary>
    DeviceId,

    /// <summary>Sent in <c>aliases</c> as <c>{alias_name, alias_label}</c>.</summary>
    Alias,
}

/// <summary>
/// One member as it is sent: <see cref="Value"/> is the external id, the device id or the alias name;
/// <see cref="AliasLabel"/> is set for aliases only.
/// </summary>
public readonly record struct MemberIdentifier(IdentifierKind Kind, string Value, string? AliasLabel = null)
{
    public static MemberIdentifier UserId(string value) => new(IdentifierKind.UserId, value);

    public static MemberIdentifier DeviceId(string value) => new(IdentifierKind.DeviceId, value);

    public static MemberIdentifier Alias(string label, string name) => new(IdentifierKind.Alias, name, label);

    public override string ToString() => Kind switch
    {
        IdentifierKind.Alias => $"alias:{AliasLabel}={Value}",
        IdentifierKind.DeviceId => $"device_id={Value}",
        _ => $"user_id={Value}",
    };
}
