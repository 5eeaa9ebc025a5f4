namespace CohortFunctions.Users;

/// <summary>How one entry of a batch request ended.</summary>
internal enum EntryResult
{
    Created,
    Updated,
    Identified,
    Merged,
    Failed,
}
