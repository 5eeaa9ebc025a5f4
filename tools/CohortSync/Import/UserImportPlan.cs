namespace CohortFunctions.CohortSync.Import;

/// <summary>What an import will do, worked out before anything is sent: a new import, a resumed one, or nothing.</summary>
/// <param name="File">The user file's full path.</param>
/// <param name="Format">How it is read.</param>
/// <param name="Lines">Its lines, the header and blank lines included.</param>
/// <param name="Resumed">An unfinished import of this file, to this workspace and endpoint with this mapping, goes on.</param>
/// <param name="LinesDone">Lines acknowledged by earlier runs.</param>
/// <param name="AlreadyComplete">This import is finished: nothing is sent (restart it to import the file again).</param>
/// <param name="StatePath">The state file.</param>
/// <param name="RejectsPath">The rejects file (of the resumed import, when resumed).</param>
/// <param name="Note">Why the state was not used, or what a resume found, when there is something to say.</param>
public sealed record UserImportPlan(
    string File,
    UserFileFormat Format,
    long Lines,
    bool Resumed,
    long LinesDone,
    bool AlreadyComplete,
    string StatePath,
    string RejectsPath,
    string? Note)
{
    internal ImportState State { get; init; } = null!;
}
