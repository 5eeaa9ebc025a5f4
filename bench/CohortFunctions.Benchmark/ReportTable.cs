using System.Globalization;
using System.Text;

namespace CohortFunctions.Benchmark;

/// <summary>The report as Markdown tables (docs/performance.md takes them as they are).</summary>
internal static class ReportTable
{
    public static string Render(BenchReport report)
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"Benchmark ({report.Mode}) at {report.StartedAt:u} on {report.Machine}; users seeded in {report.SeedSeconds:F0} s.");
        s.AppendLine();
        s.AppendLine(c, $"| {report.BatchIds:N0}-id postbacks | senders | n | p50 ms | p95 ms | p99 ms | max ms | app s | floor s | app/floor | floor p50 ms |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var l in report.Latency)
        {
            s.AppendLine(c, $"| {l.Scenario} | {l.Concurrency} | {l.Postbacks} | {l.P50Ms:F0} | {Tail(l.P95Ms)} | {Tail(l.P99Ms)} | {l.MaxMs:F0} | {l.AppSeconds:F2} | {l.FloorSeconds:F2} | {l.AppOverFloor:F2} | {l.FloorP50Ms:F0} |");
        }

        var sync = report.InitialSync;
        s.AppendLine();
        s.AppendLine("| initial sync (cohort-sync, 4 parallel) | value |");
        s.AppendLine("|---|---|");
        s.AppendLine(c, $"| members | {sync.Members:N0} |");
        s.AppendLine(c, $"| time | {sync.Seconds:F1} s ({sync.IdsPerSecond:N0} ids/s) |");
        s.AppendLine(c, $"| storage floor | {sync.FloorSeconds:F1} s (app/floor {sync.AppOverFloor:F2}) |");
        s.AppendLine(c, $"| app CPU per 1,000 ids | {sync.AppCpuSecondsPer1000Ids * 1000:F0} ms |");
        s.AppendLine(c, $"| app peak working set | {sync.PeakWorkingSetBytes / 1048576.0:F0} MB |");

        var size = report.SizeIndependence;
        s.AppendLine();
        s.AppendLine("| size independence | p50 ms | p99 ms | max ms |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine(c, $"| into an empty cohort | {size.EmptyP50Ms:F0} | {Tail(size.EmptyP99Ms)} | {size.EmptyMaxMs:F0} |");
        s.AppendLine(c, $"| into the {sync.Members:N0}-member cohort | {size.LargeP50Ms:F0} | {Tail(size.LargeP99Ms)} | {size.LargeMaxMs:F0} |");
        s.AppendLine(c, $"| ratio (p50) | {size.Ratio:F2} | | |");

        var seg = report.Segment;
        s.AppendLine();
        s.AppendLine("| segment \"includes big\" | value |");
        s.AppendLine("|---|---|");
        s.AppendLine(c, $"| size | {seg.Size:N0} in {seg.SizeSeconds:F2} s (create + get) |");
        s.AppendLine(c, $"| full export | {seg.Exported:N0} users in {seg.ExportSeconds:F1} s ({seg.Exported / Math.Max(seg.ExportSeconds, 0.001):N0} users/s) |");
        s.AppendLine(c, $"| app peak working set during export | {seg.PeakWorkingSetBytes / 1048576.0:F0} MB |");
        s.AppendLine(c, $"| size of \"includes big and excludes latency-4\" (streamed) | {seg.CombinedSize:N0} in {seg.CombinedSizeSeconds:F1} s, peak {seg.CombinedPeakWorkingSetBytes / 1048576.0:F0} MB |");
        s.AppendLine();
        s.AppendLine(c, $"App peak working set over the run (sampled every 50 ms): {report.PeakWorkingSetBytes / 1048576.0:F0} MB.");
        return s.ToString();
    }

    /// <summary>A tail percentile in ms, or "max" where the sample count makes it the maximum (see the max column).</summary>
    public static string Tail(double? ms) => ms is { } value ? value.ToString("F0", CultureInfo.InvariantCulture) : "max";
}
