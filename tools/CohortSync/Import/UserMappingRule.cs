namespace CohortFunctions.CohortSync.Import;

/// <summary>One entry of a user mapping: which column (or NDJSON field) is read, and as what.</summary>
/// <param name="Field">What the value becomes.</param>
/// <param name="Column">The CSV column (matched ignoring case and surrounding spaces) or the NDJSON field (exact).</param>
/// <param name="AliasLabel">For <see cref="UserField.Alias"/>: the alias label; the value is the alias name.</param>
public sealed record UserMappingRule(UserField Field, string Column, string? AliasLabel = null)
{
    public override string ToString() => Field switch
    {
        UserField.Alias => AliasLabel == Column ? $"alias:{Column}" : $"alias:{Column}={AliasLabel}",
        UserField.DeviceId => Column == UserMapping.DeviceIdColumn ? "device_id" : $"device_id:{Column}",
        _ => Column == UserMapping.ExternalIdColumn ? "external_id" : $"external_id:{Column}",
    };
}
