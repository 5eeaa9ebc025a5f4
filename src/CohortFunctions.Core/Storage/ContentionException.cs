namespace CohortFunctions.Storage;

/// <summary>
/// A conditional write kept losing to concurrent writers of the same rows until its tries ran out. Nothing was
/// half-applied: the request is answered 503 with <c>Retry-After</c> (see <see cref="StorageFailures"/>), and the
/// sender's retry applies it. Every store that retries on ETag conflicts gives up this one way.
/// </summary>
internal sealed class ContentionException : Exception
{
    public ContentionException()
    {
    }

    public ContentionException(string message)
        : base(message)
    {
    }

    public ContentionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
