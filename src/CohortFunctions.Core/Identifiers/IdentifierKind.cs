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
