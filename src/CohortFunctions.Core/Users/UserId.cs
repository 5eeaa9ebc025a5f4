using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace CohortFunctions.Users;

/// <summary>
/// The platform's own id of a user (like Braze's <c>braze_id</c>): 20 random lower-case hex characters. Its first
/// character is the user's shard, which spreads users and cohort memberships over 16 partitions each.
/// </summary>
internal readonly record struct UserId
{
    public const int Length = 20;

    /// <summary>How many shards user-keyed data is spread over (one per first hex digit).</summary>
    public const int ShardCount = 16;

    private UserId(string value) => Value = value;

    public string Value { get; }

    /// <summary>The shard of this user: its first hex digit.</summary>
    public char Shard => Value[0];

    public static IReadOnlyList<char> Shards { get; } = [.. "0123456789abcdef"];

    public static UserId New() => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2)));

    public static bool TryParse([NotNullWhen(true)] string? value, out UserId id)
    {
        if (value is { Length: Length } && value.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
        {
            id = new UserId(value);
            return true;
        }

        id = default;
        return false;
    }

    public static UserId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException($"'{value}' is not a user id.");

    public override string ToString() => Value;
}
