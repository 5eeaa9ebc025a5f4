namespace CohortFunctions.CohortSync.Import;

/// <summary>Reads the users of a file, one <see cref="UserRecord"/> per line that is not blank, in line order.</summary>
internal interface IUserFileReader : IAsyncDisposable
{
    /// <summary>The line of the first user: after the header in CSV, 1 in NDJSON.</summary>
    long FirstDataLine { get; }

    /// <summary>The lines read so far; after the last record, the number of lines of the file.</summary>
    long LinesRead { get; }

    /// <summary>The records in line order. Lines for which <paramref name="skip"/> is true are passed over unmapped.</summary>
    IAsyncEnumerable<UserRecord> ReadAsync(Func<long, bool> skip, CancellationToken cancellationToken);
}
