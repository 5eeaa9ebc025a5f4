namespace CohortFunctions.Users;

/// <summary>
/// One entry of a batch request, at <see cref="Index"/> in the request's array: what it asks for, or why its JSON
/// shape was wrong. Invalid entries are reported in the response; the others are applied.
/// </summary>
internal sealed record RequestEntry<T>(int Index, T? Value, string? Error)
    where T : class;
