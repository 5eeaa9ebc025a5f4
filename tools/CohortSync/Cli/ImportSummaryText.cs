using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>How an import's plan and summary read on the console. Nothing here has access to the function key.</summary>
internal static class ImportSummaryText
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Plan(UserImportOptions options, UserImportPlan plan)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"cohort-sync users: {plan.File} ({plan.Lines:N0} lines, {plan.Format.Name()}) to {options.EndpointKey}/manage/workspaces/{options.Workspace}/users by {options.Mapping}");
        if (plan.Note is { } note)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {note}");
        }

        return text.ToString();
    }

    public static string Text(UserImportSummary summary)
    {
        var notImported = summary.Rejected + summary.Malformed;
        var outcome = summary.Succeeded
            ? notImported == 0 ? "imported" : string.Create(CultureInfo.InvariantCulture, $"imported, except {notImported:N0} {Plural(notImported, "line", "lines")} (see the rejects file)")
            : summary.Cancelled ? "cancelled (run the same command again to resume)"
            : "STOPPED before the end (run the same command again to resume from the last acknowledged batch)";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"users of {Path.GetFileName(summary.File)} to workspace '{summary.Workspace}': {outcome}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  lines {summary.LinesDone:N0} of {summary.Lines:N0} done{(summary.Resumed ? " (resumed)" : string.Empty)}: users {summary.Users:N0}: created {summary.Created:N0}, updated {summary.Updated:N0}, rejected {summary.Rejected:N0}, unsent {summary.Unsent:N0}; malformed lines {summary.Malformed:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  this run: {summary.Batches:N0} {Plural(summary.Batches, "batch", "batches")} acknowledged, {summary.FailedBatches:N0} failed, {summary.Retried:N0} retried, elapsed {summary.Elapsed.TotalSeconds:0.00} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"  rejects: {summary.RejectsFile}");
        text.Append(CultureInfo.InvariantCulture, $"  state: {summary.StateFile}");
        foreach (var failure in summary.Failures)
        {
            var status = failure.StatusCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "no answer";
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  failed: {failure.Request} ({failure.Users:N0} users) after {failure.Attempts} {Plural(failure.Attempts, "attempt", "attempts")}: {status}: {failure.Message}");
        }

        if (summary.Note is { } note)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  note: {note}");
        }

        return text.ToString();
    }

    public static string Json(UserImportSummary summary) => JsonSerializer.Serialize(summary, JsonOptions);

    private static string Plural(long count, string one, string many) => count == 1 ? one : many;
}
