using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Storage shape of a user profile row. <see cref="ExternalId"/> and <see cref="Aliases"/> are also read by
/// <see cref="AzureTableUserProfileReader"/> (names and encoding in <see cref="UserColumns"/>).
/// </summary>
internal sealed class UserEntity : TableRow
{
    public string? ExternalId { get; set; }

    /// <summary>JSON array of strings (<see cref="UserProfileColumns"/>).</summary>
    public string DeviceIds { get; set; } = "[]";

    /// <summary>JSON array of <c>{"alias_name", "alias_label"}</c> (<see cref="UserColumns"/>).</summary>
    public string Aliases { get; set; } = "[]";

    public bool WasAnonymous { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static UserEntity From(UserProfile profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var (partition, row) = StorageKeys.User(profile.Workspace, profile.UserId);
        return new UserEntity
        {
            PartitionKey = partition,
            RowKey = row,
            ExternalId = profile.ExternalId,
            DeviceIds = UserProfileColumns.WriteDeviceIds(profile.DeviceIds),
            Aliases = UserColumns.WriteAliases(profile.Aliases),
            WasAnonymous = profile.WasAnonymous,
            CreatedAt = profile.CreatedAt,
            UpdatedAt = now,
        };
    }

    public UserProfile ToProfile(WorkspaceId workspace, UserId user) => new(
        user,
        workspace,
        ExternalId,
        UserProfileColumns.ReadDeviceIds(DeviceIds),
        UserColumns.ReadAliases(Aliases),
        WasAnonymous,
        CreatedAt);
}
