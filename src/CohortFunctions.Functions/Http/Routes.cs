namespace CohortFunctions.App.Http;

/// <summary>
/// Every route of the app. host.json sets an empty route prefix, so these sit at the app root: the partner routes
/// exactly where Braze has them, the management API under <c>manage/</c> (the host reserves <c>admin/</c>).
/// </summary>
/// <remarks>
/// The Functions host tries routes in the alphabetical order of their function names and takes the first match, while
/// ASP.NET Core (the local host) takes the most specific one. The two agree only when no request matches two
/// functions, so the table is kept unambiguous: every (path, method) reaches at most one function, and the
/// unmatched-request routes at the end take exactly what no function takes. RouteTableTests checks it.
/// </remarks>
internal static class Routes
{
    public const string Health = "health";

    // Operator console: static files, anonymous; every data call they make goes to manage/ with the function key.

    /// <summary>The operator console's page (<c>console</c>) and its CSS and ES modules (GET), e.g. <c>console/app.js</c>.</summary>
    public const string Console = "console/{*asset}";

    /// <summary>Every workspace that has a data import key (GET).</summary>
    public const string Workspaces = "manage/workspaces";

    /// <summary>Every configured partner, and the REST endpoint to give them (GET).</summary>
    public const string Partners = "manage/partners";

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

    /// <summary>A cohort's sync history, newest first (GET); the cohort id is URL-encoded.</summary>
    public const string CohortHistory = "manage/workspaces/{workspace}/cohorts/{partner}/{cohortId}/history";

    /// <summary>The sync history of every cohort of a workspace, newest first (GET).</summary>
    public const string SyncHistory = "manage/workspaces/{workspace}/sync-history";

    public const string DataPoints = "manage/workspaces/{workspace}/data-points";

    public const string CohortFilters = "manage/workspaces/{workspace}/cohort-filters";

    public const string Segments = "manage/workspaces/{workspace}/segments";

    public const string Segment = "manage/workspaces/{workspace}/segments/{segmentId}";

    public const string SegmentUsers = "manage/workspaces/{workspace}/segments/{segmentId}/users";

    /// <summary>The size of a filter that is not saved (POST), for a segment builder's live size.</summary>
    public const string SegmentSize = "manage/workspaces/{workspace}/segment-size";

    // Users

    /// <summary>Creates or updates users (POST).</summary>
    public const string Users = "manage/workspaces/{workspace}/users";

    /// <summary>Identifies anonymous users, merging into existing ones (POST).</summary>
    public const string UsersIdentify = "manage/workspaces/{workspace}/users/identify";

    /// <summary>Finds a user by one identifier given in the query (GET).</summary>
    public const string UsersLookup = "manage/workspaces/{workspace}/users/lookup";

    /// <summary>One user by the platform's user id (DELETE).</summary>
    public const string User = "manage/workspaces/{workspace}/users/{userId}";

    // Unmatched requests: catch-alls constrained to the paths and methods no function above takes.

    /// <summary>Every path that no route above matches (any method): 404.</summary>
    public const string NotFound = "{*path:regex(^(?!(?:" + Paths.All + ")/?$))}";

    /// <summary>A known path whose functions take no GET: 405.</summary>
    public const string GetNotAllowed = "{*path:regex(^(?!(?:" + Paths.Get + ")/?$)(?:" + Paths.All + ")/?$)}";

    /// <summary>A known path whose functions take no POST: 405.</summary>
    public const string PostNotAllowed = "{*path:regex(^(?!(?:" + Paths.Post + ")/?$)(?:" + Paths.All + ")/?$)}";

    /// <summary>A known path whose functions take no PUT: 405.</summary>
    public const string PutNotAllowed = "{*path:regex(^(?!(?:" + Paths.Put + ")/?$)(?:" + Paths.All + ")/?$)}";

    /// <summary>A known path whose functions take no DELETE: 405.</summary>
    public const string DeleteNotAllowed = "{*path:regex(^(?!(?:" + Paths.Delete + ")/?$)(?:" + Paths.All + ")/?$)}";

    /// <summary>Any known path with a method no function takes anywhere (PATCH, HEAD, OPTIONS): 405.</summary>
    public const string OtherMethodNotAllowed = "{*path:regex(^(?:" + Paths.All + ")/?$)}";

    /// <summary>
    /// The routes above as regular expressions over the request path, one constant per route of the same name, and
    /// their unions by method. Route constraints must be constants, so these are written out; RouteTableTests
    /// derives them from the routes and says what to write when a route is added or changed.
    /// </summary>
    internal static class Paths
    {
        public const string Health = "health";
        public const string Console = "console(?:/.*)?";
        public const string Workspaces = "manage/workspaces";
        public const string Partners = "manage/partners";
        public const string OpenApi = "openapi\\.json";
        public const string ImportKeys = "manage/workspaces/[^/]+/partners/[^/]+/keys";
        public const string ImportKey = "manage/workspaces/[^/]+/partners/[^/]+/keys/[^/]+";
        public const string PartnerCohorts = "partners/[^/]+/cohorts";
        public const string PartnerCohortUsers = "partners/[^/]+/cohorts/users";
        public const string Cohorts = "manage/workspaces/[^/]+/cohorts";
        public const string CohortMembers = "manage/workspaces/[^/]+/cohorts/[^/]+/[^/]+/members";
        public const string CohortSchedule = "manage/workspaces/[^/]+/cohorts/[^/]+/[^/]+/schedule";
        public const string CohortResync = "manage/workspaces/[^/]+/cohorts/[^/]+/[^/]+/resync";
        public const string CohortHistory = "manage/workspaces/[^/]+/cohorts/[^/]+/[^/]+/history";
        public const string SyncHistory = "manage/workspaces/[^/]+/sync-history";
        public const string DataPoints = "manage/workspaces/[^/]+/data-points";
        public const string CohortFilters = "manage/workspaces/[^/]+/cohort-filters";
        public const string Segments = "manage/workspaces/[^/]+/segments";
        public const string Segment = "manage/workspaces/[^/]+/segments/[^/]+";
        public const string SegmentUsers = "manage/workspaces/[^/]+/segments/[^/]+/users";
        public const string SegmentSize = "manage/workspaces/[^/]+/segment-size";
        public const string Users = "manage/workspaces/[^/]+/users";
        public const string UsersIdentify = "manage/workspaces/[^/]+/users/identify";
        public const string UsersLookup = "manage/workspaces/[^/]+/users/lookup";
        public const string User = "manage/workspaces/[^/]+/users/[^/]+";

        /// <summary>Every route's path.</summary>
        public const string All =
            Health + "|" + Console + "|" + Workspaces + "|" + Partners + "|" + OpenApi + "|" + ImportKeys
            + "|" + ImportKey + "|" + PartnerCohorts + "|" + PartnerCohortUsers + "|" + Cohorts + "|" + CohortMembers
            + "|" + CohortSchedule + "|" + CohortResync + "|" + CohortHistory + "|" + SyncHistory + "|" + DataPoints
            + "|" + CohortFilters + "|" + Segments + "|" + Segment + "|" + SegmentUsers + "|" + SegmentSize + "|" + Users
            + "|" + UsersIdentify + "|" + UsersLookup + "|" + User;

        /// <summary>The paths of the functions that take GET.</summary>
        public const string Get =
            Health + "|" + Console + "|" + Workspaces + "|" + Partners + "|" + OpenApi + "|" + ImportKeys
            + "|" + Cohorts + "|" + CohortMembers + "|" + CohortHistory + "|" + SyncHistory + "|" + DataPoints
            + "|" + CohortFilters + "|" + Segments + "|" + Segment + "|" + SegmentUsers + "|" + UsersLookup;

        /// <summary>The paths of the functions that take POST.</summary>
        public const string Post =
            ImportKeys + "|" + PartnerCohorts + "|" + PartnerCohortUsers + "|" + CohortResync + "|" + Segments
            + "|" + SegmentSize + "|" + Users + "|" + UsersIdentify;

        /// <summary>The paths of the functions that take PUT.</summary>
        public const string Put =
            CohortSchedule + "|" + Segment;

        /// <summary>The paths of the functions that take DELETE.</summary>
        public const string Delete =
            ImportKey + "|" + Segment + "|" + User;
    }
}
