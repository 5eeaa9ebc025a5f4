namespace CohortFunctions.App.Http;

/// <summary>
/// Every route of the app. host.json sets an empty route prefix, so these sit at the app root: the partner routes
/// exactly where Braze has them, the management API under <c>manage/</c> (the host reserves <c>admin/</c>).
/// </summary>
public static class Routes
{
    public const string Health = "health";

    /// <summary>The OpenAPI 3.1 description of every endpoint (anonymous).</summary>
    public const string OpenApi = "openapi.json";

    public const string ImportKeys = "manage/workspaces/{workspace}/partners/{partner}/keys";

    public const string ImportKey = "manage/workspaces/{workspace}/partners/{partner}/keys/{keyId}";

    /// <summary>Braze's cohort name endpoint.</summary>
    public const string PartnerCohorts = "partners/{partner}/cohorts";

    /// <summary>Braze's user cohort endpoint.</summary>
    public const string PartnerCohortUsers = "partners/{partner}/cohorts/users";

    public const string Cohorts = "manage/workspaces/{workspace}/cohorts";

    /// <summary>Members of one cohort; the cohort id is URL-encoded (see <see cref="RawPath"/>).</summary>
    public const string CohortMembers = "manage/workspaces/{workspace}/cohorts/{partner}/{cohortId}/members";

    /// <summary>A cohort's cadence; the cohort id is URL-encoded.</summary>
    public const string CohortSchedule = "manage/workspaces/{workspace}/cohorts/{partner}/{cohortId}/schedule";

    /// <summary>Runs a resync pass of one cohort now; the cohort id is URL-encoded.</summary>
    public const string CohortResync = "manage/workspaces/{workspace}/cohorts/{partner}/{cohortId}/resync";

    public const string DataPoints = "manage/workspaces/{workspace}/data-points";

    public const string CohortFilters = "manage/workspaces/{workspace}/cohort-filters";

    public const string Segments = "manage/workspaces/{workspace}/segments";

    public const string Segment = "manage/workspaces/{workspace}/segments/{segmentId}";

    public const string SegmentUsers = "manage/workspaces/{workspace}/segments/{segmentId}/users";

    /// <summary>Everything no other function matches, to answer 404 and 405 as JSON.</summary>
    public const string Fallback = "{*path}";

    // Users

    /// <summary>Creates or updates users (POST).</summary>
    public const string Users = "manage/workspaces/{workspace}/users";

    /// <summary>Identifies anonymous users, merging into existing ones (POST).</summary>
    public const string UsersIdentify = "manage/workspaces/{workspace}/users/identify";

    /// <summary>Finds a user by one identifier given in the query (GET).</summary>
    public const string UsersLookup = "manage/workspaces/{workspace}/users/lookup";

    /// <summary>One user by the platform's user id (DELETE).</summary>
    public const string User = "manage/workspaces/{workspace}/users/{userId}";
}
