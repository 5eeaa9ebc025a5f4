using System.Globalization;
using System.Text;

namespace CohortFunctions.Benchmark;

/// <summary>The scale run's report as Markdown: the issue's table with each figure, its floor and its target, then the details.</summary>
internal static class ScaleTable
{
    private const double MB = 1048576.0;

    public static string Render(ScaleReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var (import, sync, size, segment, scans) = (report.Import, report.InitialSync, report.SizeIndependence, report.Segment, report.Scans);
        s.AppendLine(c, $"Scale run ({report.Mode}) at {report.StartedAt:u} on {report.Machine}: a base of {report.Plan.Users:N0} users, a cohort of {report.Plan.CohortSize:N0}; {report.TotalSeconds / 60:F1} min in all.");
        s.AppendLine();
        s.AppendLine("| what | app | storage floor | app / floor | target |");
        s.AppendLine("|---|---|---|---|---|");
        s.AppendLine(c, $"| users import, {import.Users:N0} users (cohort-sync users, 4 parallel, {report.Plan.BatchIds:N0} a request) | {import.Seconds:F1} s ({import.UsersPerSecond:N0} users/s), {import.Rejected} rejected, peak working set {import.PeakWorkingSetBytes / MB:F0} MB | {import.FloorSeconds:F1} s | {import.AppOverFloor:F2} | ≤ 1.25 |");
        s.AppendLine(c, $"| initial sync of the {sync.Members:N0}-member cohort (cohort-sync, 4 parallel, {report.Plan.BatchIds:N0} a batch) | {sync.Seconds:F1} s ({sync.IdsPerSecond:N0} ids/s), peak working set {sync.PeakWorkingSetBytes / MB:F0} MB | {sync.FloorSeconds:F1} s | {sync.AppOverFloor:F2} | ≤ 1.25, no error, < 400 MB |");
        s.AppendLine(c, $"| {report.Plan.BatchIds:N0}-id postbacks into the large cohort vs an empty one, {size.Samples} each | p50 {size.LargeP50Ms:F0} vs {size.EmptyP50Ms:F0} ms; p99 {ReportTable.Tail(size.LargeP99Ms)} vs {ReportTable.Tail(size.EmptyP99Ms)} ms (max {size.LargeMaxMs:F0} / {size.EmptyMaxMs:F0}) | – | p50 ratio {size.Ratio:F2} | ratio ≤ 1.15; p99 < 1 s |");
        var slowest = report.Churn.Count == 0 ? 0 : report.Churn.Max(r => r.Seconds);
        s.AppendLine(c, $"| {report.Churn.Count} rounds of {report.Plan.ChurnFraction:P0} churn as deltas ({report.Plan.ChurnSize:N0} enter, {report.Plan.ChurnSize:N0} leave) | slowest {slowest:F2} s; {string.Join(", ", report.Churn.Select(r => r.Seconds.ToString("F2", c)))} s | – | – | each < 60 s |");
        s.AppendLine(c, $"| segment \"includes big\": size | {segment.Size:N0} in {segment.SizeSeconds:F2} s (creating the segment, which sizes it too: {segment.CreateSeconds:F2} s) | – | – | < 2 s |");
        s.AppendLine(c, $"| full export of the segment, pages of {report.Plan.BatchIds:N0} | {segment.Exported:N0} users in {segment.ExportSeconds:F1} s ({segment.Pages:N0} pages), peak working set {segment.ExportPeakWorkingSetBytes / MB:F0} MB | {segment.FloorSeconds:F1} s | {segment.AppOverFloor:F2} | ≤ 1.25, < 400 MB |");
        s.AppendLine();
        s.AppendLine("| Azurite | value |");
        s.AppendLine("|---|---|");
        s.AppendLine(c, $"| resident memory: peak / at the end | {report.AzuritePeakWorkingSetBytes / MB:N0} MB / {report.AzuriteFinalWorkingSetBytes / MB:N0} MB (heap limit {report.Plan.AzuriteHeapMegabytes:N0} MB) |");
        s.AppendLine(c, $"| rows in the memberships table | {scans.MembershipRows:N0} |");
        s.AppendLine(c, $"| a member count's partition query: memberships table / a small table | {scans.CountQueryLargeMs:F1} ms / {scans.CountQuerySmallMs:F1} ms (size reads 16) |");
        s.AppendLine(c, $"| an export page's range read ({report.Plan.BatchIds:N0} rows with external ids): the floor's {segment.Exported:N0}-row table / a one-page table | {scans.PageQueryLargeMs:F1} ms / {scans.PageQuerySmallMs:F1} ms |");
        s.AppendLine(c, $"| the export's member pages alone (user ids, no profile reads) | {segment.MemberPagesSeconds:F1} s of the export's {segment.ExportSeconds:F1} s |");
        s.AppendLine();
        s.AppendLine(c, $"App: peak working set over the run {report.AppPeakWorkingSetBytes / MB:F0} MB; CPU {sync.AppCpuSecondsPer1000Ids * 1000:F0} ms per 1,000 ids of the initial sync.");
        return s.ToString();
    }
}
