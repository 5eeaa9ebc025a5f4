using CohortFunctions.Partners;

namespace CohortFunctions.Cohorts;

/// <summary>
/// A partner cohort known to a workspace. Created by the name call or by the first postback that changes its
/// members (then named after its id until the name call arrives).
/// </summary>
internal sealed record Cohort(
    CohortRef Ref,
    string Name,
    bool Named,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSyncedAt)
{
    /// <summary>How often the sender syncs it; decides when pending identifiers are retried.</summary>
    public Cadence Cadence { get; init; } = Cadences.Default;

    /// <summary>Whether identifiers that matched no user are waiting for a resync pass.</summary>
    public bool HasPending { get; init; }

    /// <summary>
    /// No pending identifier of this cohort was recorded by a postback that started before this time: the earliest
    /// start of a postback that recorded one, set before its rows are written and never moved later. Null when unknown.
    /// </summary>
    public DateTimeOffset? PendingSince { get; init; }

    /// <summary>When the last resync pass completed.</summary>
    public DateTimeOffset? LastResyncAt { get; init; }

    /// <summary>For <see cref="Cadence.Once"/>: whether its single retry pass after the last postback has run.</summary>
    public bool OnceRetryDone { get; init; }

    /// <summary>Whether a resync pass stopped at its time budget and will resume where it stood.</summary>
    public bool PassInProgress { get; init; }

    /// <summary>How the cohort is shown in segment filters: <c>[Amplitude] Power users: abc123</c>.</summary>
    public string DisplayName(Partner partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        return DisplayName(partner.DisplayName);
    }

    /// <summary>The display name under a partner name given as text (a partner no longer configured shows its slug).</summary>
    public string DisplayName(string partnerDisplayName) => $"[{partnerDisplayName}] {Name}: {Ref.CohortId}";

    /// <summary>When the next resync pass is due; null when none will run (a <c>once</c> cohort after its retry).</summary>
    public DateTimeOffset? NextResyncAt
    {
        get
        {
            if (Cadences.Interval(Cadence) is not { } interval)
            {
                return OnceRetryDone ? null : (LastSyncedAt ?? CreatedAt) + Cadences.OnceRetryDelay;
            }

            return (LastResyncAt ?? LastSyncedAt ?? CreatedAt) + interval;
        }
    }

    /// <summary>No postback for more than twice the cadence; never for <c>once</c>.</summary>
    public bool IsStale(DateTimeOffset now) =>
        Cadences.Interval(Cadence) is { } interval && now - (LastSyncedAt ?? CreatedAt) > 2 * interval;
}
