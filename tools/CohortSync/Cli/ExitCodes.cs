namespace CohortFunctions.CohortSync.Cli;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A request finally failed (or a later cadence run could not read its file); <c>users</c>: the import stopped before its end.</summary>
    public const int SyncFailed = 1;

    /// <summary>The command line, the options, the mapping, the file or the state cannot be used.</summary>
    public const int Usage = 2;

    /// <summary><c>users</c>: the import is complete, but some lines were malformed or rejected (see the rejects file).</summary>
    public const int ImportedWithRejects = 3;

    /// <summary>Stopped with Ctrl-C (128 + SIGINT) before a sync finished.</summary>
    public const int Cancelled = 130;
}
