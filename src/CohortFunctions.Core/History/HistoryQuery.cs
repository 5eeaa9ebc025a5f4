namespace CohortFunctions.History;

/// <summary>
/// What a history read asks for: at most <paramref name="Limit"/> records from <paramref name="Cursor"/> on (the
/// newest when null), none older than <paramref name="Oldest"/>, the newest from the UTC day of
/// <paramref name="NewestDay"/>; for the workspace feed, optionally one partner's only.
/// </summary>
internal sealed record HistoryQuery(int Limit, HistoryCursor? Cursor, DateTimeOffset Oldest, DateOnly NewestDay, string? Partner);
