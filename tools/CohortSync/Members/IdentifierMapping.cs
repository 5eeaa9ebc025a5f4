using System.Diagnostics.CodeAnalysis;

namespace CohortFunctions.CohortSync.Members;

/// <summary>One entry of a mapping: which column is read and how its value is sent.</summary>
public sealed record MappingRule(IdentifierKind Kind, string Column, string? AliasLabel = null)
{
    public MemberIdentifier ToIdentifier(string value) => new(Kind, value, Kind == IdentifierKind.Alias ? AliasLabel : null);

    public override string ToString() => Kind switch
    {
        IdentifierKind.Alias => AliasLabel == Column ? $"alias:{Column}" : $"alias:{Column}={AliasLabel}",
        IdentifierKind.DeviceId => Column == IdentifierMapping.DeviceIdColumn ? "device_id" : $"device_id:{Column}",
        _ => Column == IdentifierMapping.UserIdColumn ? "user_id" : $"user_id:{Column}",
    };
}

/// <summary>
/// Identifier mappings in priority order, as Amplitude offers them (primary, secondary, tertiary): each member is
/// sent by the first identifier it has a value for. Written as a comma-separated list:
/// <list type="bullet">
/// <item><c>user_id</c> or <c>user_id:&lt;column&gt;</c>: the column's value as an external id (<c>user_ids</c>);</item>
/// <item><c>device_id</c> or <c>device_id:&lt;column&gt;</c>: as a device id (<c>device_ids</c>);</item>
/// <item><c>alias:&lt;column&gt;</c> or <c>alias:&lt;column&gt;=&lt;label&gt;</c>: as an alias whose label is the column name, or
/// <c>label</c>, and whose name is the value.</item>
/// </list>
/// </summary>
public sealed class IdentifierMapping
{
    public const string UserIdColumn = "user_id";

    public const string DeviceIdColumn = "device_id";

    /// <summary>External id first, then device id: Braze's own order of preference.</summary>
    public const string DefaultSpecification = "user_id,device_id";

    private IdentifierMapping(IReadOnlyList<MappingRule> rules) => Rules = rules;

    public static IdentifierMapping Default { get; } = Parse(DefaultSpecification);

    /// <summary>The rules, highest priority first.</summary>
    public IReadOnlyList<MappingRule> Rules { get; }

    public static IdentifierMapping Parse(string specification) =>
        TryParse(specification, out var mapping, out var error) ? mapping : throw new FormatException(error);

    public static IdentifierMapping FromRules(IEnumerable<MappingRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var list = rules.ToList();
        return list.Count > 0 ? new IdentifierMapping(list) : throw new ArgumentException("A mapping needs at least one rule.", nameof(rules));
    }

    public static bool TryParse(string? specification, [NotNullWhen(true)] out IdentifierMapping? mapping, [NotNullWhen(false)] out string? error)
    {
        mapping = null;
        var rules = new List<MappingRule>();
        foreach (var part in (specification ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (ParseRule(part) is not { } rule)
            {
                error = $"'{part}' is not an identifier mapping: use user_id[:column], device_id[:column] or alias:column[=label].";
                return false;
            }

            if (rules.Exists(r => r.Kind == rule.Kind && r.Column == rule.Column && r.AliasLabel == rule.AliasLabel))
            {
                error = $"'{part}' appears twice in the identifier mapping.";
                return false;
            }

            rules.Add(rule);
        }

        if (rules.Count == 0)
        {
            error = "The identifier mapping is empty: name at least one of user_id, device_id or alias:column.";
            return false;
        }

        mapping = new IdentifierMapping(rules);
        error = null;
        return true;
    }

    /// <summary>
    /// The identifier a member is sent by: the first rule whose column has a non-blank value, or <c>null</c> when
    /// none has (Amplitude's "unresolved mapping").
    /// </summary>
    /// <param name="valueOf">The member's value of a column, or <c>null</c> when it has none.</param>
    public MemberIdentifier? Resolve(Func<string, string?> valueOf)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        foreach (var rule in Rules)
        {
            if (valueOf(rule.Column) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return rule.ToIdentifier(value);
            }
        }

        return null;
    }

    public override string ToString() => string.Join(',', Rules);

    private static MappingRule? ParseRule(string part)
    {
        var colon = part.IndexOf(':', StringComparison.Ordinal);
        var kind = (colon < 0 ? part : part[..colon]).Trim();
        var argument = colon < 0 ? null : part[(colon + 1)..].Trim();
        switch (kind)
        {
            case "user_id":
                return argument is null ? new MappingRule(IdentifierKind.UserId, UserIdColumn)
                    : argument.Length > 0 ? new MappingRule(IdentifierKind.UserId, argument) : null;
            case "device_id":
                return argument is null ? new MappingRule(IdentifierKind.DeviceId, DeviceIdColumn)
                    : argument.Length > 0 ? new MappingRule(IdentifierKind.DeviceId, argument) : null;
            case "alias" when argument is not null:
                var equals = argument.IndexOf('=', StringComparison.Ordinal);
                var column = (equals < 0 ? argument : argument[..equals]).Trim();
                var label = (equals < 0 ? column : argument[(equals + 1)..]).Trim();
                return column.Length > 0 && label.Length > 0 ? new MappingRule(IdentifierKind.Alias, column, label) : null;
            default:
                return null;
        }
    }
}
