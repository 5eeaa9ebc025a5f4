using System.Diagnostics;
using System.Globalization;
using CohortFunctions.CohortSync.Cli;
using CohortFunctions.CohortSyncTests.Fakes;
using Xunit.Abstractions;

namespace CohortFunctions.CohortSyncTests.Import;

/// <summary>
/// The import streams: the cohort-sync process's peak working set does not grow with the file. Measured on the process
/// itself against a loopback fake users API. <c>COHORT_IMPORT_MEMORY_LINES</c> sets the size of the large file
/// (200,000 lines by default; docs/cohort-sync.md quotes the run with 1,000,000).
/// </summary>
public sealed class UserImportMemoryTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Import_TenTimesTheLines_PeakWorkingSetStaysTheSame()
    {
        // Arrange
        var lines = int.TryParse(Environment.GetEnvironmentVariable("COHORT_IMPORT_MEMORY_LINES"), CultureInfo.InvariantCulture, out var n) ? n : 200_000;

        // Act
        var small = await MeasureAsync(lines / 10);
        var large = await MeasureAsync(lines);

        // Assert: holding the users would cost well over 100 bytes each; streaming costs the batches in flight.
        output.WriteLine(small.ToString());
        output.WriteLine(large.ToString());
        Assert.True(large.PeakBytes - small.PeakBytes < 24 * MiB, $"the peak grew with the file: {small}; {large}");
        Assert.True(large.PeakBytes < 200 * MiB, large.ToString());
    }

    private async Task<Measurement> MeasureAsync(int users)
    {
        var file = _directory.File($"users-{users}.csv");
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteLineAsync("user_id,device,email");
            for (var i = 1; i <= users; i++)
            {
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"u{i:D7},device-{i:D7},u{i:D7}@example.com"));
            }
        }

        await using var server = new HttpUsersServer();
        var clock = Stopwatch.StartNew();
        using var process = CohortSyncProcess.Start(
        [
            "users",
            "--file", file,
            "--endpoint", server.Endpoint.AbsoluteUri,
            "--workspace", TestImport.Workspace,
            "--mapping", "external_id:user_id,device_id:device,alias:email",
            "--state", _directory.File($"state-{users}.json"),
            "--rejects", _directory.File($"rejects-{users}.csv"),
        ], _directory.Path);

        // The peak (VmHWM) only rises: the last reading before the exit is the process's peak.
        var peak = 0L;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, process.PeakWorkingSet());
            await Task.Delay(25);
        }

        await process.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(process.ExitCode == ExitCodes.Success, $"exit {process.ExitCode}: {process.Output}{process.Error}");
        Assert.Equal(users, server.Applied.Count);
        return new Measurement(users, new FileInfo(file).Length, peak, clock.Elapsed);
    }

    private sealed record Measurement(int Users, long FileBytes, long PeakBytes, TimeSpan Elapsed)
    {
        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Users:N0} users ({FileBytes / (double)MiB:0.0} MiB of CSV): peak working set {PeakBytes / (double)MiB:0.0} MiB, {Elapsed.TotalSeconds:0.0} s ({Users / Elapsed.TotalSeconds:N0} users/s)");
    }
}
