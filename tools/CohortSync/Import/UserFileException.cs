namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// An import that cannot start: the file cannot be read or lacks a mapped column, or the state file belongs to
/// another import. Found before anything is sent.
/// </summary>
public sealed class UserFileException : Exception
{
    public UserFileException()
    {
    }

    public UserFileException(string message)
        : base(message)
    {
    }

    public UserFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
