namespace CohortFunctions.Postbacks;

/// <summary>
/// The partner endpoints' answers, word for word as Braze gives them: senders are written
/// against these strings.
/// </summary>
internal static class PartnerMessages
{
    public const string Success = "success";

    public const string InvalidPartnerApiKey = "Invalid Partner API key";

    public const string InvalidClientSecret = "Invalid client secret";

    public const string PartnerNotEnabledPrefix = "Partner not enabled for client with client secret: ";

    public const string InvalidCohortId = "`cohort_id` must be a valid string";

    public const string InvalidCohortChanges =
        "`cohort_changes` must be an array of objects each with key `user_ids` and/or `device_ids` mapping to an array of strings, or an `aliases` object";

    public const string TooManyIds = "Only 1,000 `user_ids`, `device_ids`, and `aliases` are allowed per request";

    public const string InvalidName = "`name` must be a non-empty string";

    public const string InvalidCreatedAt = "`created_at` must be a valid time as an ISO-8601 string";

    /// <summary>At most this many identifiers, over all change objects of one request.</summary>
    public const int MaxIdsPerRequest = 1000;

    /// <summary>Only the key hint: the whole secret never appears in a response.</summary>
    public static string PartnerNotEnabled(string keyHint) => PartnerNotEnabledPrefix + keyHint + "...";
}
