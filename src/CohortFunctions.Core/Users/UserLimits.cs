using CohortFunctions.Identifiers;
using CohortFunctions.Storage;

namespace CohortFunctions.Users;

/// <summary>
/// How many identifiers one user may have. A profile keeps its device ids and its aliases as JSON in one string
/// property each, and Table Storage caps a string property at 64 KiB (32,768 UTF-16 characters). A count cap alone
/// cannot guarantee that (100 ids of 1,024 characters are already 100 KiB, and JSON escapes some characters to six),
/// so the stored JSON length is capped too.
/// </summary>
internal static class UserLimits
{
    public const int MaxDeviceIds = 100;

    public const int MaxAliases = 100;

    /// <summary>Longest stored JSON of one list, in UTF-16 characters: under 64 KiB with room to spare.</summary>
    public const int MaxStoredListLength = 32_000;

    /// <summary>Why a user with these identifiers cannot be stored, or null when it can.</summary>
    public static string? Check(IReadOnlyList<string> deviceIds, IReadOnlyList<UserAlias> aliases)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        ArgumentNullException.ThrowIfNull(aliases);
        if (deviceIds.Count > MaxDeviceIds)
        {
            return "a user has at most 100 device ids.";
        }

        if (aliases.Count > MaxAliases)
        {
            return "a user has at most 100 aliases.";
        }

        if (UserProfileColumns.WriteDeviceIds(deviceIds).Length > MaxStoredListLength)
        {
            return "the user's device ids are too long together (at most 32,000 characters as stored).";
        }

        return UserColumns.WriteAliases(aliases).Length > MaxStoredListLength
            ? "the user's aliases are too long together (at most 32,000 characters as stored)."
            : null;
    }
}
