using System.Text.Json.Serialization;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// What an import did, over all its runs: <see cref="Users"/> = <see cref="Created"/> + <see cref="Updated"/> +
/// <see cref="Rejected"/> + <see cref="Unsent"/>. <see cref="Batches"/>, <see cref="FailedBatches"/>,
/// <see cref="Retried"/> and <see cref="Failures"/> are this run's.
/// </summary>
public sealed record UserImportSummary
{
    /// <summary>Every line of the file has been acknowledged (or reported as malformed): the import is complete.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>Stopped by cancellation (Ctrl-C) before it finished; the next run resumes it.</summary>
    public bool Cancelled { get; init; }

    /// <summary>This run went on from an unfinished import's state.</summary>
    public bool Resumed { get; init; }

    public string File { get; init; } = string.Empty;

    public string Workspace { get; init; } = string.Empty;

    /// <summary>Lines of the file, the header and blank lines included.</summary>
    public long Lines { get; init; }

    /// <summary>Lines in acknowledged batches.</summary>
    public long LinesDone { get; init; }

    /// <summary>Users read from the file and sent, or still to be sent.</summary>
    public long Users { get; init; }

    public long Created { get; init; }

    /// <summary>Users that existed: an entry sent again (a resumed batch) counts here.</summary>
    public long Updated { get; init; }

    /// <summary>Entries the users API rejected, each with its message in the rejects file.</summary>
    public long Rejected { get; init; }

    /// <summary>Lines never sent (bad quoting or JSON, no identifier, a value too long…), each in the rejects file.</summary>
    public long Malformed { get; init; }

    /// <summary>Users read in this run whose batches were not acknowledged: the next run sends them.</summary>
    public long Unsent { get; init; }

    public long Batches { get; init; }

    public int FailedBatches { get; init; }

    public int Retried { get; init; }

    [JsonIgnore]
    public TimeSpan Elapsed { get; init; }

    public double ElapsedSeconds => Math.Round(Elapsed.TotalSeconds, 3);

    public string RejectsFile { get; init; } = string.Empty;

    public string StateFile { get; init; } = string.Empty;

    public string? Note { get; init; }

    public IReadOnlyList<ImportFailure> Failures { get; init; } = [];
}
