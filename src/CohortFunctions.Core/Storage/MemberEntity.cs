using CohortFunctions.Users;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of a member row: its key is the membership.</summary>
internal sealed class MemberEntity : TableRow
{
    public DateTimeOffset AddedAt { get; set; }

    public static MemberEntity For(string partition, UserId user, DateTimeOffset at) =>
        new() { PartitionKey = partition, RowKey = user.Value, AddedAt = at };
}
