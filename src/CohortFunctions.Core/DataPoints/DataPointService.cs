using System.Globalization;
using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Workspaces;

namespace CohortFunctions.DataPoints;

/// <summary>Reports data points: one per effective membership change made by a partner postback.</summary>
internal sealed class DataPointService(IDataPointLedger ledger, PartnerCatalog partners, TimeProvider time)
{
    /// <summary>The longest range one report covers.</summary>
    public const int MaxDays = 366;

    /// <summary>Days covered when no range is given: the last 30, today included.</summary>
    public const int DefaultDays = 30;

    public async Task<Result<DataPointReport>> ReportAsync(string? workspace, string? from, string? to, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!TryParseDay(to, today, out var last) || !TryParseDay(from, DefaultFirst(last), out var first))
        {
            return Failure.Invalid("from and to must be dates as YYYY-MM-DD.");
        }

        if (first > last)
        {
            return Failure.Invalid("from must not be after to.");
        }

        if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            return Failure.Invalid($"A report covers at most {MaxDays} days.");
        }

        var days = await ledger.QueryAsync(ws, [.. partners.All.Select(p => p.Name)], first, last, cancellationToken).ConfigureAwait(false);
        return new DataPointReport(days.Sum(d => d.Count), days);
    }

    /// <summary>The first of the <see cref="DefaultDays"/> days ending at <paramref name="last"/>, or the first day there is.</summary>
    private static DateOnly DefaultFirst(DateOnly last) =>
        last.DayNumber >= DefaultDays - 1 ? last.AddDays(1 - DefaultDays) : DateOnly.MinValue;

    private static bool TryParseDay(string? text, DateOnly fallback, out DateOnly day)
    {
        if (string.IsNullOrEmpty(text))
        {
            day = fallback;
            return true;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}
