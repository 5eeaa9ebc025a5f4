using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.Sync;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>How plans and summaries read on the console. Nothing here has access to the keys' values.</summary>
internal static class SummaryText
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Plan(CohortSyncOptions options, SyncPlan plan, IdentifierMapping mapping)
    {
        var snapshot = plan.Snapshot;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"cohort-sync: cohort '{options.CohortName}' ({options.CohortId}) to {options.Endpoint.AbsoluteUri.TrimEnd('/')}/partners/{options.Partner}: ");
        text.Append(plan.FirstSync ? "first sync" : "delta since the last successful sync");
        if (plan.Note is { } note)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({note})");
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  {snapshot.Rows:N0} rows by {mapping}: {snapshot.Members.Count:N0} members, {snapshot.Unresolved:N0} skipped (unresolved mapping), {snapshot.Duplicates:N0} duplicates");
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"  {(plan.SendName ? "name call, then " : string.Empty)}{plan.Adds.Count:N0} to add, {plan.Removes.Count:N0} to remove in {plan.Batches.Count:N0} {Plural(plan.Batches.Count, "batch", "batches")}");
        return text.ToString();
    }

    public static string Text(CohortSyncOptions options, SyncSummary summary)
    {
        var text = new StringBuilder();
        var outcome = summary.Succeeded ? "synced" : summary.Cancelled ? "cancelled (state not saved)" : "FAILED (state not saved; the next run sends these changes again)";
        text.AppendLine(CultureInfo.InvariantCulture, $"cohort '{options.CohortName}' ({summary.CohortId}): {outcome}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  rows {summary.Rows:N0}: members {summary.Members:N0}, skipped {summary.Skipped:N0} (unresolved mapping), duplicates {summary.Duplicates:N0}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  {(summary.FirstSync ? "first sync" : "delta")}{(summary.NameSent ? ", name sent" : string.Empty)}: to add {summary.ToAdd:N0}, to remove {summary.ToRemove:N0} in {summary.Batches:N0} {Plural(summary.Batches, "batch", "batches")}");
        text.AppendLine(summary.Sent == 0
            ? "  sent 0"
            : string.Create(CultureInfo.InvariantCulture, $"  sent {summary.Sent:N0}: added {Count(summary.Added)}, removed {Count(summary.Removed)}, unchanged {Count(summary.Unchanged)}, unmatched {Count(summary.Unmatched)}"));
        text.Append(CultureInfo.InvariantCulture, $"  retried {summary.Retried:N0}, failed {summary.FailedBatches:N0} {Plural(summary.FailedBatches, "batch", "batches")} ({summary.FailedIds:N0} ids), unsent {summary.UnsentIds:N0}, elapsed {summary.Elapsed.TotalSeconds:0.00} s");
        foreach (var failure in summary.Failures)
        {
            text.AppendLine();
            var status = failure.StatusCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "no answer";
            text.Append(CultureInfo.InvariantCulture, $"  failed: {failure.Request} ({failure.Ids:N0} ids) after {failure.Attempts} {Plural(failure.Attempts, "attempt", "attempts")}: {status}: {failure.Message}");
        }

        if (summary.Added is null && summary.Sent > 0)
        {
            text.AppendLine();
            text.Append("  (the server did not report added/removed/unmatched counts, as Braze does not)");
        }

        return text.ToString();
    }

    public static string Json(SyncSummary summary) => JsonSerializer.Serialize(summary, JsonOptions);

    private static string Count(long? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "n/a";

    private static string Plural(long count, string one, string many) => count == 1 ? one : many;
}
