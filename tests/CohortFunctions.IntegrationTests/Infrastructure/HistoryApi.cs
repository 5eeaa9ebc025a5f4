using System.Net;
using System.Text.Json;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>One record as the sync history API lists it.</summary>
public sealed record ListedRecord(
    string Id,
    DateTimeOffset At,
    string Partner,
    string? CohortId,
    string Kind,
    int Status,
    string Message,
    int Received,
    int Added,
    int Removed,
    int Unchanged,
    int Unmatched,
    int DataPoints,
    long DurationMs,
    string? KeyId,
    string? RequestId)
{
    /// <summary>The counts, in the order a users postback answers with them.</summary>
    public (int Received, int Added, int Removed, int Unchanged, int Unmatched, int DataPoints) Counts =>
        (Received, Added, Removed, Unchanged, Unmatched, DataPoints);

    public static ListedRecord From(JsonElement record)
    {
        Assert.Equal(
            ["added", "at", "cohort_id", "data_points", "duration_ms", "id", "key_id", "kind", "message", "partner", "received", "removed", "request_id", "status", "unchanged", "unmatched"],
            record.PropertyNames());
        return new ListedRecord(
            record.GetRequiredString("id"),
            record.GetProperty("at").GetDateTimeOffset(),
            record.GetRequiredString("partner"),
            record.GetProperty("cohort_id").GetString(),
            record.GetRequiredString("kind"),
            record.GetProperty("status").GetInt32(),
            record.GetRequiredString("message"),
            record.GetProperty("received").GetInt32(),
            record.GetProperty("added").GetInt32(),
            record.GetProperty("removed").GetInt32(),
            record.GetProperty("unchanged").GetInt32(),
            record.GetProperty("unmatched").GetInt32(),
            record.GetProperty("data_points").GetInt32(),
            record.GetProperty("duration_ms").GetInt64(),
            record.GetProperty("key_id").GetString(),
            record.GetProperty("request_id").GetString());
    }
}

/// <summary>A page of sync history.</summary>
public sealed record HistoryPageOf(IReadOnlyList<ListedRecord> Records, string? Continuation);

/// <summary>
/// The sync history endpoints. Records are written after the answer that made them, so reads that expect a record
/// wait for it (<see cref="WaitForHistoryAsync"/>).
/// </summary>
public static class HistoryApi
{
    /// <summary>How long a record may take to appear after its call was answered, on a busy test machine.</summary>
    public static readonly TimeSpan WriteWait = TimeSpan.FromSeconds(30);

    public static string CohortHistoryRoute(this CohortApi api, string cohortId, string query = "")
    {
        ArgumentNullException.ThrowIfNull(api);
        return $"manage/workspaces/{api.Workspace}/cohorts/{api.Partner}/{Uri.EscapeDataString(cohortId)}/history{query}";
    }

    public static string FeedRoute(this CohortApi api, string query = "")
    {
        ArgumentNullException.ThrowIfNull(api);
        return $"manage/workspaces/{api.Workspace}/sync-history{query}";
    }

    /// <summary>One page of a cohort's history.</summary>
    public static Task<HistoryPageOf> CohortHistoryAsync(this CohortApi api, string cohortId, int? limit = null, string? continuation = null) =>
        api.PageAsync(api.CohortHistoryRoute(cohortId, Query(("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("continuation", continuation))));

    /// <summary>One page of the workspace's feed.</summary>
    public static Task<HistoryPageOf> FeedAsync(this CohortApi api, int? limit = null, string? continuation = null, string? partner = null, string? since = null) =>
        api.PageAsync(api.FeedRoute(Query(
            ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("continuation", continuation), ("partner", partner), ("since", since))));

    /// <summary>Every record, walking the pages.</summary>
    public static async Task<(List<ListedRecord> Records, int Pages)> AllPagesAsync(Func<string?, Task<HistoryPageOf>> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var records = new List<ListedRecord>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var next = await page(continuation);
            records.AddRange(next.Records);
            continuation = next.Continuation;
            pages++;
            Assert.True(pages < 200, "The walk does not end.");
        }
        while (continuation is not null);
        return (records, pages);
    }

    /// <summary>A cohort's history once it holds at least <paramref name="count"/> records, newest first.</summary>
    public static async Task<IReadOnlyList<ListedRecord>> WaitForHistoryAsync(this CohortApi api, string cohortId, int count)
    {
        ArgumentNullException.ThrowIfNull(api);
        var deadline = DateTimeOffset.UtcNow + WriteWait;
        while (true)
        {
            var page = await api.CohortHistoryAsync(cohortId, limit: 1000);
            if (page.Records.Count >= count || DateTimeOffset.UtcNow > deadline)
            {
                Assert.True(page.Records.Count >= count, $"Expected {count} records of cohort {cohortId}, found {page.Records.Count} after {WriteWait}.");
                return page.Records;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The workspace's feed once it holds at least <paramref name="count"/> records, newest first.</summary>
    public static async Task<IReadOnlyList<ListedRecord>> WaitForFeedAsync(this CohortApi api, int count)
    {
        ArgumentNullException.ThrowIfNull(api);
        var deadline = DateTimeOffset.UtcNow + WriteWait;
        while (true)
        {
            var page = await api.FeedAsync(limit: 1000);
            if (page.Records.Count >= count || DateTimeOffset.UtcNow > deadline)
            {
                Assert.True(page.Records.Count >= count, $"Expected {count} records in the feed, found {page.Records.Count} after {WriteWait}.");
                return page.Records;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<HistoryPageOf> PageAsync(this CohortApi api, string route)
    {
        using var response = await api.Client.GetAsync(new Uri(route, UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["continuation", "records"], body.PropertyNames());
        var continuation = body.GetProperty("continuation");
        return new HistoryPageOf(
            [.. body.GetProperty("records").EnumerateArray().Select(ListedRecord.From)],
            continuation.ValueKind == JsonValueKind.Null ? null : continuation.GetString());
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join("&", present);
    }
}
