using CohortFunctions.Identifiers;
using CohortFunctions.Matching;

namespace CohortFunctions.Resync;

/// <summary>
/// Which matched identifiers of a postback need a supersede mark in a cohort with pending identifiers. A pending row
/// exists only for an identifier that was unmatched when a postback recorded it, and no postback recorded one before
/// <see cref="Cohorts.Cohort.PendingSince"/>. Matching changes only when the identifier's index row is written, so an
/// identifier that matches now and whose row was last written well before that time matched at every postback since:
/// it has no pending row, and marking it would be a wasted write. Everything else is marked, as before.
/// </summary>
internal static class SupersedeMarks
{
    /// <summary>
    /// Slack for the clocks of different instances and for the time between a request taking its start time and its
    /// reads and writes (bounded by the request deadline, at most 10 minutes): an hour, so that only identifiers
    /// indexed more than an hour before the cohort's first pending identifier are left unmarked.
    /// </summary>
    public static readonly TimeSpan Margin = TimeSpan.FromHours(1);

    /// <summary>The identifiers to mark; all of them when the cohort's pending-since time or a row's time is unknown.</summary>
    public static IReadOnlyList<Identifier> Needed(IReadOnlyList<MatchedIdentifier> matched, DateTimeOffset? pendingSince)
    {
        ArgumentNullException.ThrowIfNull(matched);
        if (pendingSince is not { } since)
        {
            return [.. matched.Select(m => m.Identifier)];
        }

        var before = since - Margin;
        return [.. matched.Where(m => m.IndexedAt is not { } indexed || indexed >= before).Select(m => m.Identifier)];
    }
}
