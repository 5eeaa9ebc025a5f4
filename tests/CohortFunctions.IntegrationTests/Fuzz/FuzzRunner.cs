using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using CohortFunctions.IntegrationTests.Infrastructure;
using CsCheck;
using Xunit.Abstractions;

namespace CohortFunctions.IntegrationTests.Fuzz;

/// <summary>
/// Runs a seeded fuzz: every case is drawn, in order, from one <see cref="PCG"/> seeded by <see cref="SeedVariable"/>
/// (a fresh random seed when unset, printed either way), so <c>COHORT_FUZZ_SEED=&lt;seed&gt;</c> replays a run case for
/// case. Cases are sent several at a time to one app; every problem is collected with its case number and request.
/// </summary>
public static class FuzzRunner
{
    /// <summary>Replays a run: the seed it printed.</summary>
    public const string SeedVariable = "COHORT_FUZZ_SEED";

    /// <summary>Scales every fuzz property, e.g. <c>10</c> for a ten times longer run; default 1.</summary>
    public const string ScaleVariable = "COHORT_FUZZ_SCALE";

    public const int Parallelism = 8;

    /// <summary>The run's seed: <see cref="SeedVariable"/>, or a new random one.</summary>
    public static ulong Seed()
    {
        var configured = Environment.GetEnvironmentVariable(SeedVariable);
        return string.IsNullOrWhiteSpace(configured)
            ? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8))
            : ulong.Parse(configured, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary><paramref name="cases"/> times <see cref="ScaleVariable"/>.</summary>
    public static int Scaled(int cases)
    {
        var configured = Environment.GetEnvironmentVariable(ScaleVariable);
        return string.IsNullOrWhiteSpace(configured) ? cases : cases * int.Parse(configured, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Sends <paramref name="count"/> cases drawn by <paramref name="next"/> (the PCG's stream is <paramref name="stream"/>)
    /// and fails with every problem found, the seed and the offending requests.
    /// </summary>
    public static async Task<FuzzSummary> RunAsync(
        string property, uint stream, int count, TestApp app, ITestOutputHelper output, Func<PCG, HostileRequest> next)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(next);
        var seed = Seed();
        output.WriteLine($"{property}: {SeedVariable}={seed}, {count} cases");
        var pcg = new PCG(stream, seed);
        var client = app.CreateClient(withFunctionKey: false);
        var problems = new ConcurrentBag<(int Case, HostileRequest Request, string Problem)>();
        var statuses = new ConcurrentDictionary<int, int>();
        var durations = new ConcurrentBag<(TimeSpan Elapsed, int Case, string Label)>();
        var clock = Stopwatch.StartNew();

        // Drawn lazily under Parallel.ForEachAsync's lock: case i is the same in every run of the seed, whatever the timing.
        var cases = Enumerable.Range(0, count).Select(i => (Index: i, Request: next(pcg)));
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (item, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            var (status, found) = await CheckAsync(client, app, item.Request);
            durations.Add((Stopwatch.GetElapsedTime(started), item.Index, item.Request.Label));
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            foreach (var problem in found)
            {
                problems.Add((item.Index, item.Request, problem));
            }
        });

        var summary = new FuzzSummary(property, seed, count, clock.Elapsed);
        output.WriteLine($"{property}: {count} cases in {clock.Elapsed.TotalSeconds:0.0} s; statuses "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        foreach (var (elapsed, index, label) in durations.OrderByDescending(d => d.Elapsed).Take(5))
        {
            output.WriteLine($"  slowest: case {index}, {elapsed.TotalMilliseconds:0} ms: {(label.Length > 200 ? label[..200] : label)}");
        }

        if (!problems.IsEmpty)
        {
            var first = problems.OrderBy(p => p.Case).Take(15).Select(p => $"case {p.Case}: {p.Problem}\n  {p.Request}");
            Assert.Fail($"{property}: {problems.Count} problems in {problems.Select(p => p.Case).Distinct().Count()} of {count} cases. "
                + $"Replay with {SeedVariable}={seed}.\n" + string.Join("\n", first));
        }

        return summary;
    }

    private static async Task<(int Status, IReadOnlyList<string> Problems)> CheckAsync(HttpClient client, TestApp app, HostileRequest request)
    {
        using var message = new HttpRequestMessage(request.Method, new Uri(request.Path, UriKind.Relative));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = request.ContentType is null ? null : MediaTypeHeaderValue.Parse(request.ContentType);
        }

        if (request.Key != KeyUse.None)
        {
            message.Headers.Add("x-functions-key", request.Key == KeyUse.Right ? app.FunctionKey : app.FunctionKey + "-wrong");
        }

        using var response = await client.SendAsync(message);
        var status = (int)response.StatusCode;
        var problems = (await ResponseSafety.ProblemsAsync(response, request.SentText())).ToList();

        // Without the right function key every management call is a 401, whatever else is wrong with it.
        switch (request.Key == KeyUse.Right ? request.Expect : Expect.Rejected)
        {
            case Expect.Rejected when status is < 400 or >= 500:
                problems.Add($"expected a 4xx, got {status}: {await response.Content.ReadAsStringAsync()}");
                break;
            case Expect.EveryEntryRejected:
                if (await EntriesProblemAsync(response) is { } entries)
                {
                    problems.Add(entries);
                }

                break;
            default:
                break;
        }

        return (status, problems);
    }

    /// <summary>A batch answer must be 200 with nothing done and one error per entry.</summary>
    private static async Task<string?> EntriesProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 200)
        {
            return $"expected 200 with every entry rejected, got {(int)response.StatusCode}: {text}";
        }

        using var document = JsonDocument.Parse(text);
        var body = document.RootElement;
        var done = body.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).Sum(p => p.Value.GetInt32());
        return done == 0 && body.GetProperty("errors").GetArrayLength() > 0 ? null : $"an entry was applied: {text}";
    }
}

/// <summary>What a fuzz property ran, for docs/reliability.md.</summary>
public sealed record FuzzSummary(string Property, ulong Seed, int Cases, TimeSpan Elapsed);
