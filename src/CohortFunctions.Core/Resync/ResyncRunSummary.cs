namespace CohortFunctions.Resync;

/// <summary>What a timer run did over all due cohorts.</summary>
internal sealed record ResyncRunSummary(int CohortsDue, int CohortsPassed, int CohortsBusy, int CohortsFailed, ResyncOutcome Totals, TimeSpan Elapsed);
