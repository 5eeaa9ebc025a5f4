using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using CohortFunctions.App.Functions;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace CohortFunctions.IntegrationTests.Resync;

/// <summary>What <c>POST .../resync</c> answers.</summary>
public sealed record ResyncCounts(int Retried, int Applied, int Expired, int StillPending, bool Complete);

/// <summary>A cohort's resync state as the cohort listing shows it.</summary>
public sealed record ListedSchedule(string Cadence, DateTimeOffset? LastSyncedAt, DateTimeOffset? LastResyncAt, DateTimeOffset? NextResyncAt, bool Stale, long MemberCount);

/// <summary>The resync endpoints, the timer entry points as the host calls them, and direct table access for crash simulation.</summary>
public static class ResyncApi
{
    public static string CohortRoute(CohortApi api, string cohortId)
    {
        ArgumentNullException.ThrowIfNull(api);
        return $"manage/workspaces/{api.Workspace}/cohorts/{api.Partner}/{Uri.EscapeDataString(cohortId)}";
    }

    public static async Task<HttpResponseMessage> PutScheduleRawAsync(this CohortApi api, string cohortId, string body)
    {
        ArgumentNullException.ThrowIfNull(api);
        return await api.Client.PutAsync(
            new Uri(CohortRoute(api, cohortId) + "/schedule", UriKind.Relative),
            new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
    }

    public static async Task<JsonElement> SetCadenceAsync(this CohortApi api, string cohortId, string cadence)
    {
        using var response = await api.PutScheduleRawAsync(cohortId, JsonSerializer.Serialize(new { cadence }));
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    public static async Task<HttpResponseMessage> ResyncRawAsync(this CohortApi api, string cohortId)
    {
        ArgumentNullException.ThrowIfNull(api);
        return await api.Client.PostAsync(new Uri(CohortRoute(api, cohortId) + "/resync", UriKind.Relative), content: null);
    }

    public static async Task<ResyncCounts> ResyncAsync(this CohortApi api, string cohortId)
    {
        using var response = await api.ResyncRawAsync(cohortId);
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.OK);
        return Counts(await response.ReadJsonAsync());
    }

    public static ResyncCounts Counts(JsonElement body)
    {
        Assert.Equal(["applied", "complete", "expired", "retried", "still_pending"], body.PropertyNames());
        return new ResyncCounts(
            body.GetProperty("retried").GetInt32(),
            body.GetProperty("applied").GetInt32(),
            body.GetProperty("expired").GetInt32(),
            body.GetProperty("still_pending").GetInt32(),
            body.GetProperty("complete").GetBoolean());
    }

    public static async Task<ListedSchedule> ScheduleAsync(this CohortApi api, string cohortId)
    {
        ArgumentNullException.ThrowIfNull(api);
        var cohort = await api.CohortAsync(cohortId);
        return new ListedSchedule(
            cohort.GetRequiredString("cadence"),
            Time(cohort.GetProperty("last_synced_at")),
            Time(cohort.GetProperty("last_resync_at")),
            Time(cohort.GetProperty("next_resync_at")),
            cohort.GetProperty("stale").GetBoolean(),
            cohort.GetProperty("member_count").GetInt64());
    }

    /// <summary>Whether the user with this external id is a member, as the user lookup shows it.</summary>
    public static async Task<bool> IsMemberAsync(this CohortApi api, string externalId, string cohortId)
    {
        ArgumentNullException.ThrowIfNull(api);
        var user = await api.LookupAsync($"external_id={Uri.EscapeDataString(externalId)}")
            ?? throw new InvalidOperationException($"No user has external id {externalId}.");
        return user.GetProperty("cohorts").EnumerateArray().Any(c => c.GetRequiredString("partner") == api.Partner && c.GetRequiredString("cohort_id") == cohortId);
    }

    /// <summary>The resync timer's run, called the way the host calls it.</summary>
    public static async Task RunResyncTimerAsync(this TestApp app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var timers = ActivatorUtilities.CreateInstance<TimerFunctions>(app.Services);
        await timers.ResyncDueCohorts(new TimerInfo(), cancellationToken);
    }

    /// <summary>The maintenance timer's run, called the way the host calls it.</summary>
    public static async Task RunMaintenanceTimerAsync(this TestApp app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        var timers = ActivatorUtilities.CreateInstance<TimerFunctions>(app.Services);
        await timers.RunMaintenance(new TimerInfo(), cancellationToken);
    }

    /// <summary>The app's data point ledger table, reached with the Azure SDK directly (to simulate a lost write).</summary>
    public static TableClient LedgerTable(this TestApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new TableClient(app.Setting(TestAppBuilder.ConnectionStringKey), app.TablePrefix + "datapoints");
    }

    /// <summary>Every ledger row of one workspace (its partitions all start with the workspace id and '|').</summary>
    public static async Task<List<TableEntity>> LedgerRowsAsync(this TestApp app, string workspace)
    {
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {workspace + "|"} and PartitionKey lt {workspace + "}"}");
        await foreach (var row in app.LedgerTable().QueryAsync<TableEntity>(filter))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The member count delta rows of one workspace's cohorts, which maintenance folds into the count rows.</summary>
    public static async Task<int> CountDeltaRowsAsync(this TestApp app, string workspace)
    {
        ArgumentNullException.ThrowIfNull(app);
        var table = new TableClient(app.Setting(TestAppBuilder.ConnectionStringKey), app.TablePrefix + "memberships");
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {workspace + "|"} and PartitionKey lt {workspace + "}"} and RowKey ge {"~delta|"} and RowKey lt {"~delta}"}");
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }

    private static DateTimeOffset? Time(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDateTimeOffset();
}
