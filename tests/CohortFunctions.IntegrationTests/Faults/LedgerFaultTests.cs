using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Faults;

/// <summary>
/// The one drift no retry covers: a membership batch commits and its ledger row is never written (the process dies,
/// or storage fails just then). The delta row committed with the batch still carries its data points, and
/// maintenance rewrites the ledger from it — exactly, and the same however often it runs.
/// </summary>
public sealed class LedgerFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Maintenance_LedgerRowsLostAfterCommit_RestoresDataPointsExactlyAndIdempotently()
    {
        // Arrange: 275 effective changes, then half their ledger rows gone as if the process had died after each batch.
        await using var faulty = await FaultyApp.StartAsync(seed: 8201, output);
        var api = await CohortApi.StartAsync(faulty.App);
        var ids = Enumerable.Range(0, 200).Select(i => $"u{i:D3}").ToArray();
        await api.CreateUsersAsync(ids);
        await api.SendChangesAsync("repair", TestChange.Add(ids));
        await api.SendChangesAsync("repair", TestChange.Remove(ids[..50]));
        await api.SendChangesAsync("repair", TestChange.Add(ids[..25]));
        var rows = await faulty.Invariants.LedgerRowsAsync(api.Workspace);
        await faulty.Invariants.DeleteLedgerRowsAsync(rows.Where((_, i) => i % 2 == 0));
        var damaged = await faulty.Invariants.LedgerTotalAsync(api.Workspace);

        // Act
        await FaultyApp.RunMaintenanceAsync(faulty.Direct);
        var repaired = await faulty.Invariants.LedgerTotalAsync(api.Workspace);
        await FaultyApp.RunMaintenanceAsync(faulty.Direct);

        // Assert
        Assert.InRange(damaged, 0, 274);
        Assert.Equal(275, repaired);
        await faulty.Invariants.AssertDataPointsAsync(api.Workspace, 275);
        Assert.Equal(0, await faulty.Invariants.DeltaDataPointsAsync(api.Workspace));
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, "repair", await faulty.Invariants.UserIdsOfAsync(api.Workspace, ids[..25].Concat(ids[50..])));
        output.WriteLine($"[ledger repair] {rows.Count} ledger rows, {(rows.Count + 1) / 2} deleted: {damaged} of 275 data points left, {repaired} after maintenance, {await faulty.Invariants.LedgerTotalAsync(api.Workspace)} after a second run");
    }

    [Fact]
    public async Task Postbacks_LedgerWritesFail_SendersConvergeAndMaintenanceRestoresDataPoints()
    {
        // Arrange: every write to the data point ledger fails, so each postback commits its batches and then answers 503.
        await using var faulty = await FaultyApp.StartAsync(seed: 8202, output);
        var api = await CohortApi.StartAsync(faulty.App);
        var ids = Enumerable.Range(0, 150).Select(i => $"u{i:D3}").ToArray();
        await api.CreateUsersAsync(ids);
        var ledgerTable = faulty.App.TablePrefix + "datapoints";
        faulty.Proxy.Plan = FaultPlan.Always(FaultKind.Error503, request => request.Addresses(ledgerTable));

        // Act: the sender retries each postback until it is accepted; the retry finds the batches done and counts nothing.
        var first = await faulty.Callers.PostJsonAsync("postback", $"partners/{api.Partner}/cohorts/users", api.ChangesBody("lost", TestChange.Add(ids)), HttpStatusCode.Created);
        var second = await faulty.Callers.PostJsonAsync("postback", $"partners/{api.Partner}/cohorts/users", api.ChangesBody("lost", TestChange.Remove(ids[..40])), HttpStatusCode.Created);
        var lostBeforeMaintenance = await faulty.Invariants.LedgerTotalAsync(api.Workspace);
        faulty.Proxy.Plan = FaultPlan.None;
        await FaultyApp.RunMaintenanceAsync(faulty.App);
        var afterOneRun = await faulty.Invariants.LedgerTotalAsync(api.Workspace);
        await FaultyApp.RunMaintenanceAsync(faulty.App);

        // Assert
        Assert.Equal(150, first.GetProperty("unchanged").GetInt32());
        Assert.Equal(40, second.GetProperty("unchanged").GetInt32());
        Assert.Equal(0, lostBeforeMaintenance);
        Assert.Equal(190, afterOneRun);
        await faulty.Invariants.AssertDataPointsAsync(api.Workspace, 190);
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, "lost", await faulty.Invariants.UserIdsOfAsync(api.Workspace, ids[40..]));
        Assert.Equal(190, await (await CohortApi.StartAsync(faulty.Direct, workspace: api.Workspace)).DataPointsTotalAsync());
        faulty.Report("ledger writes fail");
    }

    [Fact]
    public async Task Postback_LedgerWriteHangs_Answers503BeforeTheDeadlinePassesAndRetryConverges()
    {
        // Arrange: ledger writes stall, and the SDK would keep retrying them for longer than the request may take.
        await using var faulty = await FaultyApp.StartAsync(seed: 8203, output, b => b.Set("Storage:MaxRetries", "10"), requestTimeoutSeconds: 6);
        var api = await CohortApi.StartAsync(faulty.App);
        var ids = Enumerable.Range(0, 60).Select(i => $"u{i:D3}").ToArray();
        await api.CreateUsersAsync(ids);
        var ledgerTable = faulty.App.TablePrefix + "datapoints";
        faulty.Proxy.Plan = FaultPlan.Always(FaultKind.Stall, request => request.Addresses(ledgerTable));

        // Act: the first attempt commits its batches and hangs on the ledger until the deadline; the retry counts nothing.
        var accepted = await faulty.Callers.PostJsonAsync("postback", $"partners/{api.Partner}/cohorts/users", api.ChangesBody("slow", TestChange.Add(ids)), HttpStatusCode.Created);
        faulty.Proxy.Plan = FaultPlan.None;
        await FaultyApp.RunMaintenanceAsync(faulty.App);

        // Assert: 503 at the deadline (every answer in time is checked by the caller), then 201; data points exact after maintenance.
        var (calls, attempts, retried, slowest) = faulty.Callers.Of("postback");
        Assert.Equal(1, calls);
        Assert.True(retried >= 1 && attempts == retried + 1, $"{attempts} attempts, {retried} retried");
        Assert.Equal(60, accepted.GetProperty("unchanged").GetInt32());
        Assert.True(faulty.Proxy.Counts().Of(FaultKind.Stall) > 0);
        await faulty.Invariants.AssertDataPointsAsync(api.Workspace, 60);
        await faulty.Invariants.AssertMembersAsync(api.Workspace, api.Partner, "slow", await faulty.Invariants.UserIdsOfAsync(api.Workspace, ids));
        faulty.Report("ledger write hangs");
        output.WriteLine($"[ledger write hangs] slowest answer {slowest.TotalSeconds:0.0} s for a {faulty.RequestTimeout.TotalSeconds:0} s deadline");
    }
}
