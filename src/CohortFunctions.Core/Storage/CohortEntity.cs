using CohortFunctions.Cohorts;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of a cohort row.</summary>
internal sealed class CohortEntity : TableRow
{
    public string Partner { get; set; } = "";

    /// <summary>The raw cohort id (the row key holds its encoded form).</summary>
    public string CohortId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>False while the cohort is only known from postbacks and carries its id as name.</summary>
    public bool Named { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSyncedAt { get; set; }

    public string? Cadence { get; set; }

    public bool HasPending { get; set; }

    /// <summary>See <see cref="Cohort.PendingSince"/>: set before the first pending rows are written, only ever moved earlier.</summary>
    public DateTimeOffset? PendingSince { get; set; }

    public DateTimeOffset? LastResyncAt { get; set; }

    public bool OnceRetryDone { get; set; }

    public string? ResyncCursor { get; set; }

    /// <summary>Set with <see cref="ResyncCursor"/>: Table Storage filters cannot test a property for null.</summary>
    public bool ResyncInProgress { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public static CohortEntity New(CohortRef cohort, string name, bool named, DateTimeOffset createdAt) => new()
    {
        Partner = cohort.Partner,
        CohortId = cohort.CohortId,
        Name = name,
        Named = named,
        CreatedAt = createdAt,
    };

    public Cohort ToCohort() => new(new CohortRef(Partner, CohortId), Name, Named, CreatedAt, LastSyncedAt)
    {
        Cadence = Cadences.TryParse(Cadence, out var cadence) ? cadence.Value : Cadences.Default,
        HasPending = HasPending,
        PendingSince = PendingSince,
        LastResyncAt = LastResyncAt,
        OnceRetryDone = OnceRetryDone,
        PassInProgress = ResyncInProgress,
    };
}
