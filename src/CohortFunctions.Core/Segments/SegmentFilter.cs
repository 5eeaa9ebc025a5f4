using CohortFunctions.Cohorts;

namespace CohortFunctions.Segments;

/// <summary>
/// A segment's filter: a tree of cohort conditions. <c>includes</c> means "member of the cohort", <c>excludes</c>
/// "not a member" (over every user of the workspace), <c>and</c>/<c>or</c> combine one or more filters.
/// </summary>
internal abstract record SegmentFilter
{
    /// <summary>Every cohort condition in the tree, in order.</summary>
    public abstract IEnumerable<CohortRef> Cohorts();

    /// <summary>Levels of nesting; a single condition is depth 1.</summary>
    public abstract int Depth { get; }
}

/// <summary>Users who are members of <see cref="Cohort"/>.</summary>
internal sealed record IncludesFilter(CohortRef Cohort) : SegmentFilter
{
    public override int Depth => 1;

    public override IEnumerable<CohortRef> Cohorts() => [Cohort];
}

/// <summary>Users of the workspace who are not members of <see cref="Cohort"/>.</summary>
internal sealed record ExcludesFilter(CohortRef Cohort) : SegmentFilter
{
    public override int Depth => 1;

    public override IEnumerable<CohortRef> Cohorts() => [Cohort];
}

/// <summary>Users matching every one of <see cref="Filters"/>.</summary>
internal sealed record AndFilter(IReadOnlyList<SegmentFilter> Filters) : SegmentFilter
{
    public override int Depth => 1 + Filters.Max(f => f.Depth);

    public override IEnumerable<CohortRef> Cohorts() => Filters.SelectMany(f => f.Cohorts());
}

/// <summary>Users matching at least one of <see cref="Filters"/>.</summary>
internal sealed record OrFilter(IReadOnlyList<SegmentFilter> Filters) : SegmentFilter
{
    public override int Depth => 1 + Filters.Max(f => f.Depth);

    public override IEnumerable<CohortRef> Cohorts() => Filters.SelectMany(f => f.Cohorts());
}
