namespace CohortFunctions.Storage;

/// <summary>The limits of an entity group transaction, and how rows of one partition are cut into transactions within them.</summary>
internal static class Transactions
{
    /// <summary>Operations in one transaction (Table Storage's limit).</summary>
    public const int MaxOperations = 100;

    /// <summary>
    /// Payload bytes aimed at per transaction: Table Storage takes at most 4 MiB, and a profile row can approach 200 KB
    /// (two lists of up to 32,000 characters each), so 100 large profiles must not share one.
    /// </summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    /// <summary>Transactions of one call in flight at once (they are in different partitions, or independent).</summary>
    public const int Parallelism = 8;

    /// <summary>Rows of one partition in order, cut into transactions of at most <see cref="MaxOperations"/> rows and about <see cref="MaxBytes"/>.</summary>
    public static IEnumerable<IReadOnlyList<T>> Chunk<T>(IReadOnlyList<T> rows, Func<T, int> approximateBytes)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(approximateBytes);
        var chunk = new List<T>();
        var bytes = 0;
        foreach (var row in rows)
        {
            var size = approximateBytes(row);
            if (chunk.Count > 0 && (chunk.Count == MaxOperations || bytes + size > MaxBytes))
            {
                yield return chunk;
                (chunk, bytes) = ([], 0);
            }

            chunk.Add(row);
            bytes += size;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
