using System.Globalization;
using System.Text;

namespace CohortFunctions.Benchmark;

/// <summary>The soak's report as Markdown: a row per window, then each criterion with its figures.</summary>
internal static class SoakTable
{
    private const double MB = 1024 * 1024;

    public static string Render(SoakReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"Soak at {report.StartedAt:u} on {report.Machine}: {report.Seconds:F0} s at {report.Rate:0.##} postbacks/s "
            + $"(1,000 ids: 450 adds, 450 removes, 100 unmatched), windows of {report.WindowSeconds:F0} s; {report.Users:N0} users seeded in {report.SeedSeconds:F0} s.");
        s.AppendLine();
        s.AppendLine("| window | from s | postbacks | errors | p50 ms | p95 ms | p99 ms | max ms | app working set MB (end / peak) | app CPU % | Azurite MB | Azurite CPU % |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var w in report.Windows)
        {
            s.AppendLine(c, $"| {w.Index + 1} | {w.FromSeconds:F0} | {w.Postbacks} | {w.Errors} | {w.P50Ms:F0} | {ReportTable.Tail(w.P95Ms)} | {ReportTable.Tail(w.P99Ms)} | {w.MaxMs:F0} | "
                + $"{w.WorkingSetBytes / MB:F0} / {w.PeakWorkingSetBytes / MB:F0} | {w.CpuPercent:F0} | {w.AzuriteWorkingSetBytes / MB:F0} | {w.AzuriteCpuPercent:F0} |");
        }

        var first = report.Windows.Count > 0 ? report.Windows[0] : null;
        var last = report.Windows.Count > 0 ? report.Windows[^1] : null;
        s.AppendLine();
        s.AppendLine(c, $"- {Verdict(report.NoErrors)} no errors: {report.Errors} of {report.Postbacks} postbacks failed or answered other counts than their delta.");
        foreach (var error in report.ErrorSamples)
        {
            s.AppendLine(c, $"  - {error}");
        }

        s.AppendLine(c, $"- {Verdict(report.MemoryBounded)} working set bounded: last window's peak {last?.PeakWorkingSetBytes / MB:F0} MB ≤ first window's "
            + $"{first?.PeakWorkingSetBytes / MB:F0} MB + {SoakReport.WorkingSetGrowthBound / MB:F0} MB.");
        s.AppendLine(c, $"- {Verdict(report.LatencyStable)} latency stable: last window's {TailName(last)} {last?.TailMs:F0} ms ≤ {SoakReport.LatencyDriftBound:0.0} × first window's "
            + $"{TailName(first)} {first?.TailMs:F0} ms.");
        s.AppendLine(c, $"- {Verdict(report.CountsExact)} counts exact: member_count {report.MemberCount:N0} (expected {report.ExpectedMemberCount:N0}), "
            + $"data points {report.DataPoints:N0} (expected {report.ExpectedDataPoints:N0}).");
        s.AppendLine();
        s.AppendLine(report.Passed ? "Soak PASSED." : "Soak FAILED.");
        return s.ToString();
    }

    private static string Verdict(bool passed) => passed ? "PASS" : "FAIL";

    /// <summary>What <see cref="SoakWindow.TailMs"/> is for this window: its p99, or its maximum where it has too few postbacks.</summary>
    private static string TailName(SoakWindow? window) => window?.P99Ms is null ? "max" : "p99";
}
