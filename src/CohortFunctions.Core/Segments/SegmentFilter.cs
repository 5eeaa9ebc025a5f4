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
