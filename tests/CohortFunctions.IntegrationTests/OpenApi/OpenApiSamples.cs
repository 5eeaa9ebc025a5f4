using CohortFunctions.Postbacks;

namespace CohortFunctions.IntegrationTests.OpenApi;

/// <summary>
/// A success and an error call of every operation of the OpenAPI document. A new endpoint adds its samples here
/// (at least one 2xx and one error), or the coverage test names it.
/// </summary>
public static class OpenApiSamples
{
    private const string Partner = "amplitude";

    public static IReadOnlyList<OpenApiSample> All { get; } =
    [
        // Partner endpoints: Braze's protocol, Braze's messages.
        new("name cohort", "NameCohort", "POST", W(_ => "/partners/amplitude/cohorts"), 201, w => NameBody(w, "Power users")),
        new("name cohort without name", "NameCohort", "POST", W(_ => "/partners/amplitude/cohorts"), 400, w => NameBody(w, "")),
        new("name cohort with a wrong partner key", "NameCohort", "POST", W(_ => "/partners/amplitude/cohorts"), 401, w => With(NameBody(w, "x"), "partner_api_key", "wrong")),
        new("name cohort with a body that is not an object", "NameCohort", "POST", W(_ => "/partners/amplitude/cohorts"), 400, _ => new[] { 1, 2 }),
        new("change users", "ChangeCohortUsers", "POST", W(_ => "/partners/amplitude/cohorts/users"), 201, w => ChangesBody(w, [new Dictionary<string, object?> { ["user_ids"] = new[] { "ada" }, ["should_remove"] = true }])),
        new("credential test", "ChangeCohortUsers", "POST", W(_ => "/partners/amplitude/cohorts/users"), 201, w => ChangesBody(w, [])),
        new("change users with too many ids", "ChangeCohortUsers", "POST", W(_ => "/partners/amplitude/cohorts/users"), 400, w => ChangesBody(w, [new Dictionary<string, object?> { ["user_ids"] = Enumerable.Range(0, PartnerMessages.MaxIdsPerRequest + 1).Select(i => $"u{i}").ToArray() }])),
        new("change users with malformed changes", "ChangeCohortUsers", "POST", W(_ => "/partners/amplitude/cohorts/users"), 400, w => ChangesBody(w, [new Dictionary<string, object?> { ["user_ids"] = "ada" }])),
        new("change users with an unknown client secret", "ChangeCohortUsers", "POST", W(_ => "/partners/amplitude/cohorts/users"), 401, w => With(ChangesBody(w, []), "client_secret", "not-a-key")),
        new("change users for another partner's key", "ChangeCohortUsers", "POST", W(_ => "/partners/mixpanel/cohorts/users"), 401, w => With(ChangesBody(w, []), "partner_api_key", w.App.PartnerApiKey("mixpanel"))),

        // Data import keys.
        new("create key", "CreateImportKey", "POST", W(w => $"{Manage(w)}/partners/amplitude/keys"), 201),
        new("create key for an unknown partner", "CreateImportKey", "POST", W(w => $"{Manage(w)}/partners/segment/keys"), 404),
        new("create key in an invalid workspace", "CreateImportKey", "POST", W(_ => "/manage/workspaces/Not_Valid/partners/amplitude/keys"), 400),
        new("create key without the function key", "CreateImportKey", "POST", W(w => $"{Manage(w)}/partners/amplitude/keys"), 401, Target: SampleTarget.AppWithoutKey),
        new("list keys", "ListImportKeys", "GET", W(w => $"{Manage(w)}/partners/amplitude/keys"), 200),
        new("list keys of an unknown partner", "ListImportKeys", "GET", W(w => $"{Manage(w)}/partners/segment/keys"), 404),
        new("list keys with storage down", "ListImportKeys", "GET", W(w => $"{Manage(w)}/partners/amplitude/keys"), 503, Target: SampleTarget.UnreachableStorage),
        new("invalidate key", "InvalidateImportKey", "DELETE", async w => $"{Manage(w)}/partners/amplitude/keys/{await w.CreateKeyIdAsync()}", 204),
        new("invalidate an unknown key", "InvalidateImportKey", "DELETE", W(w => $"{Manage(w)}/partners/amplitude/keys/no-such-key"), 404),

        new("list workspaces", "ListWorkspaces", "GET", W(_ => "/manage/workspaces"), 200),
        new("list workspaces with storage down", "ListWorkspaces", "GET", W(_ => "/manage/workspaces"), 503, Target: SampleTarget.UnreachableStorage),
        new("list partners", "ListPartners", "GET", W(_ => "/manage/partners"), 200),
        new("list partners without the function key", "ListPartners", "GET", W(_ => "/manage/partners"), 401, Target: SampleTarget.AppWithoutKey),

        // Cohorts and resync.
        new("list cohorts", "ListCohorts", "GET", W(w => $"{Manage(w)}/cohorts"), 200),
        new("list cohorts of an invalid workspace", "ListCohorts", "GET", W(_ => "/manage/workspaces/-bad/cohorts"), 400),
        new("list members", "ListCohortMembers", "GET", W(w => $"{Manage(w)}/cohorts/amplitude/{ConformanceWorld.EncodedCohortId}/members?limit=1"), 200),
        new("list members with a bad limit", "ListCohortMembers", "GET", W(w => $"{Manage(w)}/cohorts/amplitude/{ConformanceWorld.EncodedCohortId}/members?limit=0"), 400),
        new("list members of an unknown cohort", "ListCohortMembers", "GET", W(w => $"{Manage(w)}/cohorts/amplitude/nope/members"), 404),
        new("set schedule", "SetCohortSchedule", "PUT", W(w => $"{Manage(w)}/cohorts/amplitude/{ConformanceWorld.EncodedCohortId}/schedule"), 200, _ => new Dictionary<string, object?> { ["cadence"] = "daily" }),
        new("set an unknown cadence", "SetCohortSchedule", "PUT", W(w => $"{Manage(w)}/cohorts/amplitude/{ConformanceWorld.EncodedCohortId}/schedule"), 400, _ => new Dictionary<string, object?> { ["cadence"] = "weekly" }),
        new("resync now", "ResyncCohort", "POST", W(w => $"{Manage(w)}/cohorts/amplitude/{ConformanceWorld.EncodedCohortId}/resync"), 200),
        new("resync an unknown cohort", "ResyncCohort", "POST", W(w => $"{Manage(w)}/cohorts/amplitude/nope/resync"), 404),

        // Sync history.
        new("cohort history", "ListCohortHistory", "GET", W(w => $"{Manage(w)}/cohorts/amplitude/{ConformanceWorld.EncodedCohortId}/history?limit=5"), 200),
        new("cohort history with a bad limit", "ListCohortHistory", "GET", W(w => $"{Manage(w)}/cohorts/amplitude/{ConformanceWorld.EncodedCohortId}/history?limit=0"), 400),
        new("cohort history of an unknown partner", "ListCohortHistory", "GET", W(w => $"{Manage(w)}/cohorts/segment/x/history"), 404),
        new("sync history", "ListSyncHistory", "GET", W(w => $"{Manage(w)}/sync-history?partner=amplitude"), 200),
        new("sync history since a time that is not one", "ListSyncHistory", "GET", W(w => $"{Manage(w)}/sync-history?since=yesterday"), 400),
        new("sync history with storage down", "ListSyncHistory", "GET", W(w => $"{Manage(w)}/sync-history"), 503, Target: SampleTarget.UnreachableStorage),

        // Data points.
        new("data points", "GetDataPoints", "GET", W(w => $"{Manage(w)}/data-points"), 200),
        new("data points with a bad date", "GetDataPoints", "GET", W(w => $"{Manage(w)}/data-points?from=yesterday"), 400),

        // Segments.
        new("cohort filters", "ListCohortFilters", "GET", W(w => $"{Manage(w)}/cohort-filters"), 200),
        new("cohort filters of an invalid workspace", "ListCohortFilters", "GET", W(_ => "/manage/workspaces/-bad/cohort-filters"), 400),
        new("create segment", "CreateSegment", "POST", W(w => $"{Manage(w)}/segments"), 201, _ => ConformanceWorld.SegmentBody("Created")),
        new("create segment over an unknown cohort", "CreateSegment", "POST", W(w => $"{Manage(w)}/segments"), 400, _ => new Dictionary<string, object?>
        {
            ["name"] = "Bad",
            ["filter"] = new Dictionary<string, object?> { ["includes"] = new Dictionary<string, string> { ["partner"] = Partner, ["cohort_id"] = "nope" } },
        }),
        new("segment size", "PreviewSegmentSize", "POST", W(w => $"{Manage(w)}/segment-size"), 200, _ => SizeBody(ConformanceWorld.CohortId)),
        new("segment size over an unknown cohort", "PreviewSegmentSize", "POST", W(w => $"{Manage(w)}/segment-size"), 400, _ => SizeBody("nope")),
        new("list segments", "ListSegments", "GET", W(w => $"{Manage(w)}/segments"), 200),
        new("list segments with storage down", "ListSegments", "GET", W(w => $"{Manage(w)}/segments"), 503, Target: SampleTarget.UnreachableStorage),
        new("get segment", "GetSegment", "GET", W(w => $"{Manage(w)}/segments/{w.SegmentId}"), 200),
        new("get an unknown segment", "GetSegment", "GET", W(w => $"{Manage(w)}/segments/0000000000000000"), 404),
        new("rename segment", "UpdateSegment", "PUT", W(w => $"{Manage(w)}/segments/{w.SegmentId}"), 200, _ => new Dictionary<string, object?> { ["name"] = "Power users (renamed)" }),
        new("rename segment to nothing", "UpdateSegment", "PUT", W(w => $"{Manage(w)}/segments/{w.SegmentId}"), 400, _ => new Dictionary<string, object?> { ["name"] = "" }),
        new("delete segment", "DeleteSegment", "DELETE", async w => $"{Manage(w)}/segments/{await w.CreateSegmentAsync("Doomed")}", 204),
        new("delete an unknown segment", "DeleteSegment", "DELETE", W(w => $"{Manage(w)}/segments/0000000000000000"), 404),
        new("export segment", "ExportSegmentUsers", "GET", W(w => $"{Manage(w)}/segments/{w.SegmentId}/users?limit=1"), 200),
        new("export with a forged continuation", "ExportSegmentUsers", "GET", W(w => $"{Manage(w)}/segments/{w.SegmentId}/users?continuation=forged"), 400),

        // Users.
        new("upsert users", "UpsertUsers", "POST", W(w => $"{Manage(w)}/users"), 200, _ => new Dictionary<string, object?>
        {
            ["users"] = new object[]
            {
                new Dictionary<string, object?> { ["external_id"] = "cy", ["device_ids"] = new[] { "cy-phone" } },
                new Dictionary<string, object?> { ["device_ids"] = new[] { "tablet-7f3e" }, ["aliases"] = new[] { new Dictionary<string, string> { ["alias_name"] = "amp-1", ["alias_label"] = "amplitude_id" } } },
                new Dictionary<string, object?> { ["external_id"] = "bad\u0007id" },
            },
        }),
        new("upsert users that are not an array", "UpsertUsers", "POST", W(w => $"{Manage(w)}/users"), 400, _ => new Dictionary<string, object?> { ["users"] = "ada" }),
        new("identify users", "IdentifyUsers", "POST", W(w => $"{Manage(w)}/users/identify"), 200, _ => new Dictionary<string, object?>
        {
            ["identify"] = new object[]
            {
                new Dictionary<string, object?> { ["external_id"] = "dee", ["device_id"] = "tablet-7f3e" },
                new Dictionary<string, object?> { ["external_id"] = "eve", ["device_id"] = "nobody" },
            },
        }),
        new("identify users that are not an array", "IdentifyUsers", "POST", W(w => $"{Manage(w)}/users/identify"), 400, _ => new Dictionary<string, object?> { ["identify"] = 5 }),
        new("look up user", "LookupUser", "GET", W(w => $"{Manage(w)}/users/lookup?external_id=bob"), 200),
        new("look up a user sent before it existed", "LookupUser", "GET", W(w => $"{Manage(w)}/users/lookup?external_id={ConformanceWorld.LateUser}"), 200),
        new("look up nobody", "LookupUser", "GET", W(w => $"{Manage(w)}/users/lookup?external_id=nobody"), 404),
        new("look up by two identifiers", "LookupUser", "GET", W(w => $"{Manage(w)}/users/lookup?external_id=bob&device_id=x"), 400),
        new("delete user", "DeleteUser", "DELETE", async w => $"{Manage(w)}/users/{await w.CreateUserIdAsync()}", 204),
        new("delete an unknown user", "DeleteUser", "DELETE", W(w => $"{Manage(w)}/users/00000000000000000000"), 404),

        // Operations.
        new("health", "Health", "GET", W(_ => "/health"), 200, Target: SampleTarget.AppWithoutKey),
        new("health with storage down", "Health", "GET", W(_ => "/health"), 503, Target: SampleTarget.UnreachableStorage),
        new("openapi document", "GetOpenApiDocument", "GET", W(_ => "/openapi.json"), 200, Target: SampleTarget.AppWithoutKey),
    ];

    /// <summary>The sample names, as theory data.</summary>
    public static TheoryData<string> Names => [.. All.Select(s => s.Name)];

    private static Func<ConformanceWorld, Task<string>> W(Func<ConformanceWorld, string> path) => w => Task.FromResult(path(w));

    private static string Manage(ConformanceWorld world) => $"/manage/workspaces/{world.Workspace}";

    private static Dictionary<string, object?> SizeBody(string cohortId) => new()
    {
        ["filter"] = new Dictionary<string, object?> { ["includes"] = new Dictionary<string, string> { ["partner"] = Partner, ["cohort_id"] = cohortId } },
    };

    private static Dictionary<string, object?> NameBody(ConformanceWorld world, string name) => new()
    {
        ["partner_api_key"] = world.App.PartnerApiKey(Partner),
        ["client_secret"] = world.Api.Secret,
        ["cohort_id"] = ConformanceWorld.CohortId,
        ["name"] = name,
        ["created_at"] = "2021-01-21T19:20:30+05:00",
    };

    private static Dictionary<string, object?> ChangesBody(ConformanceWorld world, object[] changes) => new()
    {
        ["partner_api_key"] = world.App.PartnerApiKey(Partner),
        ["client_secret"] = world.Api.Secret,
        ["cohort_id"] = ConformanceWorld.CohortId,
        ["cohort_changes"] = changes,
    };

    private static Dictionary<string, object?> With(Dictionary<string, object?> body, string key, object? value)
    {
        body[key] = value;
        return body;
    }
}
