using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using CohortFunctions.Users;

namespace CohortFunctions.Memberships;

/// <summary>
/// Where a walk over a cohort's members stands: the shard and the last user id returned. Member rows are read in
/// key order, so resuming after the last id returns each member at most once even while members change.
/// </summary>
internal readonly record struct MemberCursor(int ShardIndex, string? After)
{
    public static MemberCursor Start => new(0, null);

    public string Encode() => Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{ShardIndex}:{After}"));

    /// <summary>Parses a continuation token; null or empty means the start.</summary>
    public static bool TryParse(string? token, [NotNullWhen(true)] out MemberCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(token))
        {
            cursor = Start;
            return true;
        }

        if (token.Length > 64)
        {
            return false;
        }

        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 1
                || !int.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var shard)
                || shard < 0 || shard >= UserId.ShardCount)
            {
                return false;
            }

            var after = text[(colon + 1)..];
            if (after.Length > 0 && !UserId.TryParse(after, out _))
            {
                return false;
            }

            cursor = new MemberCursor(shard, after.Length == 0 ? null : after);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
