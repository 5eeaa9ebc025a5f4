using Azure;
using Azure.Data.Tables;
using CohortFunctions.Users;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of a member row: its key is the membership.</summary>
internal sealed class MemberEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    public static MemberEntity For(string partition, UserId user, DateTimeOffset at) =>
        new() { PartitionKey = partition, RowKey = user.Value, AddedAt = at };
}
