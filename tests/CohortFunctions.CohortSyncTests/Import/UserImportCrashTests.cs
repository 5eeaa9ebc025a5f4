using System.Text.Json;
using CohortFunctions.CohortSync.Cli;
using CohortFunctions.CohortSyncTests.Fakes;

namespace CohortFunctions.CohortSyncTests.Import;

/// <summary>
/// The cohort-sync process killed (SIGKILL) in the middle of an import, then run again: nothing it had recorded as
/// acknowledged is sent again, nothing is lost, and no line is reported twice.
/// </summary>
public sealed class UserImportCrashTests : IDisposable
{
    private const int Users = 20_000;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Import_KilledWhileBatchesAreInFlight_ResumesWithoutLosingOrResendingAcknowledgedBatches()
    {
        // Arrange: 40 batches of 500, 4 in flight; the third never gets an answer, so the others are acknowledged
        // out of order around it; a malformed line every 997 lines.
        var file = _directory.Write("users.csv", TestImport.Csv(Users, line => line % 997 == 0 ? "\"broken" : null));
        var malformed = Enumerable.Range(2, Users).Where(line => line % 997 == 0).Select(line => (long)line).ToList();
        var held = TestImport.Id(1003);
        var args = Args(file);

        // Act: the first run is killed once at least 10 batches are recorded; the second, to the same endpoint, runs
        // to the end.
        await using var server = new HttpUsersServer { Hold = ids => ids.Contains(held), Delay = TimeSpan.FromMilliseconds(30) };
        args = [.. args, "--endpoint", server.Endpoint.AbsoluteUri];
        IReadOnlyList<(long First, long Last)> doneAtKill;
        using (var process = CohortSyncProcess.Start(args, _directory.Path))
        {
            await WaitForAsync(() => Batches() >= 10 || process.HasExited, TimeSpan.FromSeconds(60));
            if (process.HasExited)
            {
                await process.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Fail($"cohort-sync ended with {process.ExitCode} before it was killed: {process.Output}{process.Error}");
            }

            await process.KillAsync();
            doneAtKill = Done();
        }

        var answeredFirst = server.TakeAnswered();
        var rejectsAtKill = TestImport.RejectsRows(_directory.File("rejects.csv"));
        server.Hold = _ => false;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, _ => null, null, TimeProvider.System);
        var exitCode = await CohortSyncCli.RunAsync(args, environment, CancellationToken.None);
        var answeredSecond = server.TakeAnswered();

        // Assert: the kill left batches recorded beyond the one held, so the state had a hole in it.
        Assert.True(doneAtKill.Count >= 2, $"expected acknowledgments around the held batch, got {string.Join(", ", doneAtKill)}");
        var sentSecond = answeredSecond.SelectMany(ids => ids).Select(TestImport.LineOf).ToList();
        bool DoneAtKill(long line) => doneAtKill.Any(d => line >= d.First && line <= d.Last);

        // None re-sent after acknowledgment: no line recorded at the kill was sent again.
        Assert.DoesNotContain(sentSecond, DoneAtKill);

        // None lost: every user was answered 200 in one of the runs, the held batch in the second.
        var answered = answeredFirst.SelectMany(ids => ids).Select(TestImport.LineOf).Concat(sentSecond).ToHashSet();
        Assert.Equal(Enumerable.Range(2, Users).Select(l => (long)l).Except(malformed).Order(), answered.Order());
        Assert.Contains(1003L, sentSecond);

        // The second run finished; each malformed line is reported once, in the first run's rows or the second's.
        Assert.Equal(ExitCodes.ImportedWithRejects, exitCode);
        Assert.Contains("done (resumed)", output.ToString(), StringComparison.Ordinal);
        var rejects = TestImport.RejectsRows(_directory.File("rejects.csv"));
        Assert.Equal(malformed, rejects.Select(r => long.Parse(r.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.Equal(rejectsAtKill, rejects.Take(rejectsAtKill.Count));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(_directory.File("state.json")));
        var state = summary.RootElement;
        Assert.Equal(Users - malformed.Count, state.GetProperty("created").GetInt64() + state.GetProperty("updated").GetInt64());
        Assert.Equal(malformed.Count, state.GetProperty("malformed").GetInt64());
    }

    private string[] Args(string file) =>
    [
        "users",
        "--file", file,
        "--workspace", TestImport.Workspace,
        "--mapping", "external_id",
        "--batch-size", "500",
        "--parallelism", "4",
        "--state", _directory.File("state.json"),
        "--rejects", _directory.File("rejects.csv"),

        // The held request must still be in flight when the process is killed.
        "--timeout", "5m",
    ];

    private long Batches() => ReadState()?.GetProperty("batches").GetInt64() ?? 0;

    private IReadOnlyList<(long First, long Last)> Done() =>
        [.. ReadState()!.Value.GetProperty("done").EnumerateArray().Select(d => (d.GetProperty("first").GetInt64(), d.GetProperty("last").GetInt64()))];

    private JsonElement? ReadState()
    {
        var path = _directory.File("state.json");
        if (!File.Exists(path))
        {
            return null;
        }

        // The state is replaced by a rename, so a read sees a whole file, the old one or the new.
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition was not met in time.");
            }

            await Task.Delay(20);
        }
    }
}
