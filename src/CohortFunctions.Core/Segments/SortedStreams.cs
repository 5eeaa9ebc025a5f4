using System.Runtime.CompilerServices;

namespace CohortFunctions.Segments;

/// <summary>
/// Set operations over streams of ids sorted ordinally and free of duplicates, merging as they read: memory is one
/// item (plus the source's page) per stream, however long the streams are.
/// </summary>
internal static class SortedStreams
{
    public static async IAsyncEnumerable<string> Union(IReadOnlyList<IAsyncEnumerable<string>> sources, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var cursors = await OpenAsync(sources, cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                string? smallest = null;
                foreach (var cursor in cursors.Where(c => c.HasCurrent))
                {
                    if (smallest is null || string.CompareOrdinal(cursor.Current, smallest) < 0)
                    {
                        smallest = cursor.Current;
                    }
                }

                if (smallest is null)
                {
                    yield break;
                }

                yield return smallest;
                foreach (var cursor in cursors.Where(c => c.HasCurrent && c.Current == smallest))
                {
                    await cursor.MoveNextAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await DisposeAsync(cursors).ConfigureAwait(false);
        }
    }

    public static async IAsyncEnumerable<string> Intersect(IReadOnlyList<IAsyncEnumerable<string>> sources, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            yield break;
        }

        var cursors = await OpenAsync(sources, cancellationToken).ConfigureAwait(false);
        try
        {
            while (cursors.All(c => c.HasCurrent))
            {
                var largest = cursors.Select(c => c.Current).Max(StringComparer.Ordinal)!;
                var aligned = true;
                foreach (var cursor in cursors)
                {
                    while (cursor.HasCurrent && string.CompareOrdinal(cursor.Current, largest) < 0)
                    {
                        await cursor.MoveNextAsync().ConfigureAwait(false);
                    }

                    aligned &= cursor.HasCurrent && cursor.Current == largest;
                }

                if (aligned)
                {
                    yield return largest;
                    foreach (var cursor in cursors)
                    {
                        await cursor.MoveNextAsync().ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            await DisposeAsync(cursors).ConfigureAwait(false);
        }
    }

    /// <summary>The items of <paramref name="source"/> that are not in <paramref name="excluded"/>.</summary>
    public static async IAsyncEnumerable<string> Except(IAsyncEnumerable<string> source, IAsyncEnumerable<string> excluded, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(excluded);
        var cursors = await OpenAsync([source, excluded], cancellationToken).ConfigureAwait(false);
        var (kept, removed) = (cursors[0], cursors[1]);
        try
        {
            while (kept.HasCurrent)
            {
                while (removed.HasCurrent && string.CompareOrdinal(removed.Current, kept.Current) < 0)
                {
                    await removed.MoveNextAsync().ConfigureAwait(false);
                }

                if (!removed.HasCurrent || removed.Current != kept.Current)
                {
                    yield return kept.Current;
                }

                await kept.MoveNextAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await DisposeAsync(cursors).ConfigureAwait(false);
        }
    }

    private static async Task<Cursor[]> OpenAsync(IReadOnlyList<IAsyncEnumerable<string>> sources, CancellationToken cancellationToken)
    {
        var cursors = sources.Select(s => new Cursor(s.GetAsyncEnumerator(cancellationToken))).ToArray();
        try
        {
            await Task.WhenAll(cursors.Select(c => c.MoveNextAsync().AsTask())).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync(cursors).ConfigureAwait(false);
            throw;
        }

        return cursors;
    }

    private static async Task DisposeAsync(Cursor[] cursors)
    {
        foreach (var cursor in cursors)
        {
            await cursor.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class Cursor(IAsyncEnumerator<string> enumerator) : IAsyncDisposable
    {
        public bool HasCurrent { get; private set; }

        public string Current => enumerator.Current;

        public async ValueTask<bool> MoveNextAsync()
        {
            HasCurrent = await enumerator.MoveNextAsync().ConfigureAwait(false);
            return HasCurrent;
        }

        public ValueTask DisposeAsync() => enumerator.DisposeAsync();
    }
}
