using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Which columns of a user file (CSV columns or NDJSON fields) become which identifiers of a user, written like the
/// cohort sync's <c>--mapping</c> as a comma-separated list:
/// <list type="bullet">
/// <item><c>external_id</c> or <c>external_id:&lt;column&gt;</c>: the external id;</item>
/// <item><c>device_id</c> or <c>device_id:&lt;column&gt;</c>: a device id;</item>
/// <item><c>alias:&lt;column&gt;</c> or <c>alias:&lt;column&gt;=&lt;label&gt;</c>: an alias whose name is the value and
/// whose label is the column name, or <c>label</c>.</item>
/// </list>
/// A user has one external id and one alias per label, so when several entries give those, the first with a
/// value wins (priority order, as in the cohort sync); every device id column with a value adds a device id.
/// </summary>
public sealed class UserMapping
{
    public const string ExternalIdColumn = "external_id";

    public const string DeviceIdColumn = "device_id";

    /// <summary>The columns named like the users API's own fields.</summary>
    public const string DefaultSpecification = "external_id,device_id";

    /// <summary>The users API's limit of one identifier (and alias label), in UTF-16 characters.</summary>
    public const int MaxValueLength = 1024;

    private readonly HashSet<string> _manyValueColumns;

    private UserMapping(IReadOnlyList<UserMappingRule> rules)
    {
        Rules = rules;
        Columns = [.. rules.Select(r => r.Column).Distinct(StringComparer.Ordinal)];
        _manyValueColumns = [.. Columns.Where(c => rules.Where(r => r.Column == c).All(r => r.Field == UserField.DeviceId))];
    }

    public static UserMapping Default { get; } = Parse(DefaultSpecification);

    /// <summary>The rules, highest priority first.</summary>
    public IReadOnlyList<UserMappingRule> Rules { get; }

    /// <summary>The distinct columns the rules read, in rule order.</summary>
    public IReadOnlyList<string> Columns { get; }

    public static UserMapping Parse(string specification) =>
        TryParse(specification, out var mapping, out var error) ? mapping : throw new FormatException(error);

    public static bool TryParse(string? specification, [NotNullWhen(true)] out UserMapping? mapping, [NotNullWhen(false)] out string? error)
    {
        mapping = null;
        var rules = new List<UserMappingRule>();
        foreach (var part in (specification ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (ParseRule(part, out error) is not { } rule)
            {
                return false;
            }

            if (rules.Contains(rule))
            {
                error = $"'{part}' appears twice in the user mapping.";
                return false;
            }

            rules.Add(rule);
        }

        if (rules.Count == 0)
        {
            error = "The user mapping is empty: name at least one of external_id, device_id or alias:column.";
            return false;
        }

        mapping = new UserMapping(rules);
        error = null;
        return true;
    }

    /// <summary>
    /// Whether a column may hold several values (an NDJSON array): only when every rule that reads it is a device id
    /// rule, since a user has one external id and one alias per label.
    /// </summary>
    public bool AllowsManyValues(string column) => _manyValueColumns.Contains(column);

    /// <summary>
    /// The user a line holds, or why it is malformed: a value longer than <see cref="MaxValueLength"/> characters,
    /// or no identifier at all. Blank values (empty or only white space) count as no value.
    /// </summary>
    /// <param name="valuesOf">The values of a column on this line: none, one, or (for device id columns) several.</param>
    /// <param name="noun">How the messages name a column: <c>column</c> for CSV, <c>field</c> for NDJSON.</param>
    /// <param name="entry">The user, when the line holds one.</param>
    /// <param name="problem">Why not, otherwise.</param>
    public bool TryResolve(Func<string, IReadOnlyList<string>> valuesOf, string noun, [NotNullWhen(true)] out UserEntry? entry, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(valuesOf);
        entry = null;
        string? externalId = null;
        List<string>? deviceIds = null;
        List<UserAliasValue>? aliases = null;
        foreach (var rule in Rules)
        {
            foreach (var value in valuesOf(rule.Column))
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    continue;
                }

                if (value.Length > MaxValueLength)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"{noun} '{rule.Column}' is longer than {MaxValueLength:N0} characters.");
                    return false;
                }

                switch (rule.Field)
                {
                    case UserField.ExternalId:
                        externalId ??= value;
                        break;
                    case UserField.DeviceId:
                        deviceIds ??= [];
                        if (!deviceIds.Contains(value, StringComparer.Ordinal))
                        {
                            deviceIds.Add(value);
                        }

                        break;
                    default:
                        aliases ??= [];
                        if (!aliases.Exists(a => a.Label == rule.AliasLabel))
                        {
                            aliases.Add(new UserAliasValue(value, rule.AliasLabel!));
                        }

                        break;
                }
            }
        }

        if (externalId is null && deviceIds is null && aliases is null)
        {
            problem = $"no identifier: {(Columns.Count == 1 ? $"{noun} '{Columns[0]}' is" : $"{noun}s {string.Join(", ", Columns.Select(c => $"'{c}'"))} are all")} empty.";
            return false;
        }

        entry = new UserEntry(externalId, deviceIds ?? [], aliases ?? []);
        problem = null;
        return true;
    }

    public override string ToString() => string.Join(',', Rules);

    private static UserMappingRule? ParseRule(string part, out string error)
    {
        var colon = part.IndexOf(':', StringComparison.Ordinal);
        var kind = (colon < 0 ? part : part[..colon]).Trim();
        var argument = colon < 0 ? null : part[(colon + 1)..].Trim();
        error = $"'{part}' is not a user mapping entry: use external_id[:column], device_id[:column] or alias:column[=label].";
        switch (kind)
        {
            case ExternalIdColumn:
                return argument is null ? new UserMappingRule(UserField.ExternalId, ExternalIdColumn)
                    : argument.Length > 0 ? new UserMappingRule(UserField.ExternalId, argument) : null;
            case DeviceIdColumn:
                return argument is null ? new UserMappingRule(UserField.DeviceId, DeviceIdColumn)
                    : argument.Length > 0 ? new UserMappingRule(UserField.DeviceId, argument) : null;
            case "alias" when argument is not null:
                var equals = argument.IndexOf('=', StringComparison.Ordinal);
                var column = (equals < 0 ? argument : argument[..equals]).Trim();
                var label = (equals < 0 ? column : argument[(equals + 1)..]).Trim();
                if (column.Length == 0 || label.Length == 0)
                {
                    return null;
                }

                if (label.Length > MaxValueLength || label.Any(char.IsControl))
                {
                    error = $"'{part}': an alias label is 1-1,024 characters without control characters.";
                    return null;
                }

                return new UserMappingRule(UserField.Alias, column, label);
            case "user_id":
                // The cohort sync's name for the external id; in the users API, user_id is the platform's own id.
                error = $"'{part}': the users API calls the external id external_id; write external_id{(argument is null ? ":user_id" : $":{argument}")}.";
                return null;
            default:
                return null;
        }
    }
}
