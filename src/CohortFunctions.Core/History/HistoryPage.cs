namespace CohortFunctions.History;

/// <summary>A page of sync history, newest first; <see cref="Continuation"/> is null after the last page.</summary>
internal sealed record HistoryPage(IReadOnlyList<SyncRecord> Records, string? Continuation);
