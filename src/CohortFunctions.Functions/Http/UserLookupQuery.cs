using CohortFunctions.Identifiers;
using CohortFunctions.Results;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CohortFunctions.App.Http;

/// <summary>
/// The query of <c>GET /manage/workspaces/{ws}/users/lookup</c>: exactly one of <c>external_id</c>, <c>device_id</c>,
/// or <c>alias_name</c> with <c>alias_label</c>, each given once. Other parameters (such as the function key's
/// <c>code</c>) are ignored. Whether the value can be an identifier is the users feature's rule, checked there.
/// </summary>
internal static class UserLookupQuery
{
    public const string UsageMessage = "Give exactly one of external_id, device_id, or alias_name with alias_label.";

    private static readonly string[] Names = ["external_id", "device_id", "alias_name", "alias_label"];

    public static Result<Identifier> Parse(IQueryCollection query) => Parse((IEnumerable<KeyValuePair<string, StringValues>>)query);

    public static Result<Identifier> Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in query)
        {
            var known = Array.Find(Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                continue;
            }

            if (value.Count != 1 || values.ContainsKey(known))
            {
                return Failure.Invalid($"{known} must be given once.");
            }

            values[known] = value[0];
        }

        var external = values.GetValueOrDefault("external_id");
        var device = values.GetValueOrDefault("device_id");
        var aliasName = values.GetValueOrDefault("alias_name");
        var aliasLabel = values.GetValueOrDefault("alias_label");
        var hasAlias = aliasName is not null || aliasLabel is not null;
        var kinds = (external is null ? 0 : 1) + (device is null ? 0 : 1) + (hasAlias ? 1 : 0);
        if (kinds != 1 || (hasAlias && (aliasName is null || aliasLabel is null)))
        {
            return Failure.Invalid(UsageMessage);
        }

        return external is not null ? Identifier.External(external)
            : device is not null ? Identifier.Device(device)
            : Identifier.Alias(new UserAlias(aliasName!, aliasLabel!));
    }
}
