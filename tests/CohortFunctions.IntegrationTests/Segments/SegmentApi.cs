using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Segments;

/// <summary>Builds filters in the segment filter language (docs/segments.md).</summary>
public static class Filter
{
    public static JsonNode Includes(string cohortId, string partner = "amplitude") =>
        new JsonObject { ["includes"] = new JsonObject { ["partner"] = partner, ["cohort_id"] = cohortId } };

    public static JsonNode Excludes(string cohortId, string partner = "amplitude") =>
        new JsonObject { ["excludes"] = new JsonObject { ["partner"] = partner, ["cohort_id"] = cohortId } };

    public static JsonNode And(params JsonNode[] filters) => new JsonObject { ["and"] = new JsonArray(filters) };

    public static JsonNode Or(params JsonNode[] filters) => new JsonObject { ["or"] = new JsonArray(filters) };
}

/// <summary>A segment as the API returns it.</summary>
public sealed record SegmentResult(string SegmentId, string Name, JsonElement Filter, long Size);

/// <summary>One exported user.</summary>
public sealed record ExportedUser(string UserId, string? ExternalId, IReadOnlyList<TestAlias> Aliases);

/// <summary>One page of a segment export.</summary>
public sealed record ExportPage(IReadOnlyList<ExportedUser> Users, string? Continuation);

/// <summary>The segment endpoints of one workspace, as an operator's tooling calls them.</summary>
public sealed class SegmentApi(HttpClient client, string workspace)
{
    public SegmentApi(CohortApi api)
        : this(api?.Client ?? throw new ArgumentNullException(nameof(api)), api.Workspace)
    {
    }

    public string Workspace => workspace;

    public string SegmentsRoute => $"manage/workspaces/{workspace}/segments";

    public async Task<HttpResponseMessage> CreateRawAsync(object body) =>
        await client.PostAsync(new Uri(SegmentsRoute, UriKind.Relative), Json(body));

    public async Task<SegmentResult> CreateAsync(string name, JsonNode filter)
    {
        using var response = await CreateRawAsync(new JsonObject { ["name"] = name, ["filter"] = filter.DeepClone() });
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.Created);
        return Read(await response.ReadJsonAsync());
    }

    public async Task<HttpResponseMessage> GetRawAsync(string segmentId) =>
        await client.GetAsync(new Uri($"{SegmentsRoute}/{segmentId}", UriKind.Relative));

    public async Task<SegmentResult> GetAsync(string segmentId)
    {
        using var response = await GetRawAsync(segmentId);
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return Read(await response.ReadJsonAsync());
    }

    public async Task<IReadOnlyList<SegmentResult>> ListAsync()
    {
        using var response = await client.GetAsync(new Uri(SegmentsRoute, UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return [.. (await response.ReadJsonAsync()).GetProperty("segments").EnumerateArray().Select(Read)];
    }

    public async Task<HttpResponseMessage> UpdateRawAsync(string segmentId, object body) =>
        await client.PutAsync(new Uri($"{SegmentsRoute}/{segmentId}", UriKind.Relative), Json(body));

    public async Task<SegmentResult> UpdateAsync(string segmentId, object body)
    {
        using var response = await UpdateRawAsync(segmentId, body);
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return Read(await response.ReadJsonAsync());
    }

    public async Task<HttpResponseMessage> DeleteRawAsync(string segmentId) =>
        await client.DeleteAsync(new Uri($"{SegmentsRoute}/{segmentId}", UriKind.Relative));

    public async Task<HttpResponseMessage> UsersRawAsync(string segmentId, string query) =>
        await client.GetAsync(new Uri($"{SegmentsRoute}/{segmentId}/users{query}", UriKind.Relative));

    public async Task<ExportPage> UsersPageAsync(string segmentId, int? limit = null, string? continuation = null)
    {
        var query = new List<string>();
        if (limit is { } l)
        {
            query.Add($"limit={l}");
        }

        if (continuation is not null)
        {
            query.Add($"continuation={Uri.EscapeDataString(continuation)}");
        }

        using var response = await UsersRawAsync(segmentId, query.Count == 0 ? "" : "?" + string.Join('&', query));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal(["continuation", "users"], body.PropertyNames());
        return new ExportPage(
            [.. body.GetProperty("users").EnumerateArray().Select(u => new ExportedUser(
                u.GetRequiredString("user_id"),
                u.GetProperty("external_id").ValueKind == JsonValueKind.Null ? null : u.GetProperty("external_id").GetString(),
                [.. u.GetProperty("aliases").EnumerateArray().Select(a => new TestAlias(a.GetRequiredString("alias_name"), a.GetRequiredString("alias_label")))]))],
            body.GetProperty("continuation").ValueKind == JsonValueKind.Null ? null : body.GetProperty("continuation").GetString());
    }

    /// <summary>Walks every page of an export; <paramref name="betweenPages"/> runs after each page but the last.</summary>
    public async Task<IReadOnlyList<ExportedUser>> WalkAsync(string segmentId, int? limit = null, Func<int, Task>? betweenPages = null)
    {
        var users = new List<ExportedUser>();
        string? continuation = null;
        for (var page = 0; ; page++)
        {
            Assert.True(page < 10_000, "the export does not end");
            var current = await UsersPageAsync(segmentId, limit, continuation);
            Assert.True(limit is null || current.Users.Count <= limit, $"page {page} has {current.Users.Count} users for limit {limit}");
            users.AddRange(current.Users);
            continuation = current.Continuation;
            if (continuation is null)
            {
                return users;
            }

            if (betweenPages is not null)
            {
                await betweenPages(page);
            }
        }
    }

    /// <summary>The external ids of a full export, sorted; fails on a duplicate.</summary>
    public async Task<IReadOnlyList<string>> ExportedExternalIdsAsync(string segmentId, int? limit = null)
    {
        var users = await WalkAsync(segmentId, limit);
        AssertNoDuplicates(users);
        return [.. users.Select(u => u.ExternalId ?? "").Order(StringComparer.Ordinal)];
    }

    public async Task<JsonElement> CohortFiltersAsync()
    {
        using var response = await client.GetAsync(new Uri($"manage/workspaces/{workspace}/cohort-filters", UriKind.Relative));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    public static void AssertNoDuplicates(IReadOnlyList<ExportedUser> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var duplicates = users.GroupBy(u => u.UserId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"exported more than once: {string.Join(", ", duplicates)}");
    }

    /// <summary>A body sent as is: a JsonNode as its JSON, a string as raw text, anything else serialized.</summary>
    private static StringContent Json(object body) => body switch
    {
        JsonNode node => new StringContent(node.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        string raw => new StringContent(raw, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        _ => TestJson.Body(body),
    };

    private static SegmentResult Read(JsonElement body) => new(
        body.GetRequiredString("segment_id"),
        body.GetRequiredString("name"),
        body.GetProperty("filter").Clone(),
        body.GetProperty("size").GetInt64());
}
