using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>
/// Checks the values of the users API's entries against <see cref="IdentifierRules"/> and the per-user limits; each
/// error names the request field it is about, never the value (identifiers may be personal data).
/// </summary>
internal static class UserEntryValidation
{
    /// <summary>Why a looked-up identifier cannot belong to a user, or null when it can.</summary>
    public static string? LookupError(Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var field = identifier.Kind switch
        {
            IdentifierKind.ExternalId => "external_id",
            IdentifierKind.DeviceId => "device_id",
            _ => IdentifierRules.IsValid(identifier.Value) ? "alias_label" : "alias_name",
        };
        var valid = IdentifierRules.IsValid(identifier.Value) && (identifier.AliasLabel is null || IdentifierRules.IsValid(identifier.AliasLabel));
        return valid ? null : $"{field} must be {IdentifierRules.Description}.";
    }
}
