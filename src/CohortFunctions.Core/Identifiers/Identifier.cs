using System.Text;

namespace CohortFunctions.Identifiers;

/// <summary>The three ways a partner names a user in a postback.</summary>
internal enum IdentifierKind
{
    /// <summary><c>user_ids</c>: the platform's external id; matches identified users.</summary>
    ExternalId,

    /// <summary><c>device_ids</c>: matches only users that are anonymous now.</summary>
    DeviceId,

    /// <summary><c>aliases</c>: a label and name pair; matches any user.</summary>
    Alias,
}

/// <summary>A user alias: <c>alias_label</c> is the key or type, <c>alias_name</c> the value.</summary>
internal sealed record UserAlias(string AliasName, string AliasLabel);

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

/// <summary>What an identifier string may be: 1-1,024 characters of well-formed Unicode without control characters.</summary>
internal static class IdentifierRules
{
    public const int MaxLength = 1024;

    public const string Description = "1-1,024 characters without control characters";

    /// <summary>Whether <paramref name="value"/> can belong to a user. Postbacks treat others as unmatched; user creation rejects them.</summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || HasLoneSurrogate(value))
        {
            return false;
        }

        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }
}
