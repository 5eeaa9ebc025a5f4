namespace CohortFunctions.CohortSync.Import;

/// <summary>The identifiers of an entry of the users API (<c>POST /manage/workspaces/{ws}/users</c>).</summary>
public enum UserField
{
    /// <summary><c>external_id</c>: at most one per user.</summary>
    ExternalId,

    /// <summary><c>device_ids</c>: any number.</summary>
    DeviceId,

    /// <summary><c>aliases</c>: <c>{alias_name, alias_label}</c>, at most one per label.</summary>
    Alias,
}
