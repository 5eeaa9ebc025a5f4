using CohortFunctions.Memberships;
using CohortFunctions.Users;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of a member row: its key is the membership; it keeps when and by what the user was added.</summary>
internal sealed class MemberEntity : TableRow
{
    public DateTimeOffset AddedAt { get; set; }

    /// <summary>
    /// What added the user, one letter (<c>p</c> postback, <c>r</c> resync, <c>m</c> merge): 28 bytes of a member row
    /// as Table Storage counts them. Null on rows written before it was kept.
    /// </summary>
    public string? AddedBy { get; set; }

    public static MemberEntity For(string partition, UserId user, DateTimeOffset at, MembershipSource source) =>
        new() { PartitionKey = partition, RowKey = user.Value, AddedAt = at, AddedBy = Code(source) };

    public Membership ToMembership() => new(AddedAt, AddedBy switch
    {
        "p" => MembershipSource.Postback,
        "r" => MembershipSource.Resync,
        "m" => MembershipSource.Merge,
        _ => null,
    });

    private static string Code(MembershipSource source) => source switch
    {
        MembershipSource.Postback => "p",
        MembershipSource.Resync => "r",
        MembershipSource.Merge => "m",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown membership source."),
    };
}
