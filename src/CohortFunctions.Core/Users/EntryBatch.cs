using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>
/// Runs the entries of a batch request: each is validated on its own (an invalid one is reported, the others applied);
/// entries that share an identifier are applied one after another in request order (<see cref="EntryGroups"/>),
/// the rest in parallel.
/// </summary>
internal static class EntryBatch
{
    /// <summary>
    /// Entries applied at once. Each is a handful of point operations on partitions of its own; Azurite stops gaining
    /// near 8 concurrent requests, Azure Table Storage much later, and 16 keeps one request from starving the others.
    /// </summary>
    public const int Parallelism = 16;

    /// <summary>How each entry ended, at its index in the request.</summary>
    public static async Task<IReadOnlyList<EntryOutcome>> RunAsync<TRequest, TEntry>(
        IReadOnlyList<RequestEntry<TRequest>> entries,
        Func<int, TRequest, (TEntry? Entry, string? Error)> validate,
        Func<TEntry, IEnumerable<Identifier>> identifiers,
        Func<TEntry, CancellationToken, Task<EntryOutcome>> apply,
        CancellationToken cancellationToken)
        where TRequest : class
        where TEntry : class
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(validate);
        ArgumentNullException.ThrowIfNull(identifiers);
        ArgumentNullException.ThrowIfNull(apply);
        var outcomes = new EntryOutcome[entries.Count];
        var valid = new List<(int Index, TEntry Entry)>();
        foreach (var entry in entries)
        {
            var (checkedEntry, error) = entry.Value is { } value ? validate(entry.Index, value) : (null, entry.Error);
            if (checkedEntry is null)
            {
                outcomes[entry.Index] = EntryOutcome.Failed(error!);
            }
            else
            {
                valid.Add((entry.Index, checkedEntry));
            }
        }

        await Parallel.ForEachAsync(
            EntryGroups.Of(valid, v => identifiers(v.Entry)),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                foreach (var (index, entry) in group)
                {
                    outcomes[index] = await apply(entry, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return outcomes;
    }
}
