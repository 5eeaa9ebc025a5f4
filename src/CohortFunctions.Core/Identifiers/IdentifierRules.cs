using System.Text;

namespace CohortFunctions.Identifiers;

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
