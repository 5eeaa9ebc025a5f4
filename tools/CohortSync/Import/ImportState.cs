namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// What an import has had acknowledged so far, saved after every acknowledged batch, so that a run that stops
/// (crash, kill, Ctrl-C, a request that finally failed) is resumed by the next one from where it stood. Which file,
/// where to and how mapped are kept too: a state is only ever resumed for the same import.
/// </summary>
internal sealed record ImportState
{
    public const int FormatVersion = 1;

    public int Version { get; init; } = FormatVersion;

    /// <summary>The app's base URL, without a trailing slash.</summary>
    public required string Endpoint { get; init; }

    public required string Workspace { get; init; }

    /// <summary>The user file's full path.</summary>
    public required string File { get; init; }

    public required long FileBytes { get; init; }

    /// <summary>The SHA-256 of the whole file, in lower-case hex: a changed file is another import.</summary>
    public required string FileSha256 { get; init; }

    public required string Format { get; init; }

    public required string Mapping { get; init; }

    public long Lines { get; init; }

    /// <summary>The lines of acknowledged batches: never read again by this import.</summary>
    public IReadOnlyList<LineInterval> Done { get; init; } = [];

    /// <summary>Users in acknowledged batches: <see cref="Created"/> + <see cref="Updated"/> + <see cref="Rejected"/>.</summary>
    public long Users { get; init; }

    public long Created { get; init; }

    public long Updated { get; init; }

    public long Rejected { get; init; }

    public long Malformed { get; init; }

    public long Batches { get; init; }

    /// <summary>The rejects file's full path.</summary>
    public required string RejectsFile { get; init; }

    /// <summary>The rejects file's length when this state was saved: a resumed run cuts off what came after.</summary>
    public long RejectsBytes { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When every line had been acknowledged; <c>null</c> while the import is unfinished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}
