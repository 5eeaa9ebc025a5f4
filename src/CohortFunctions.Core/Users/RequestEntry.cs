namespace CohortFunctions.Users;

/// <summary>Builds <see cref="RequestEntry{T}"/>s.</summary>
internal static class RequestEntry
{
    public static RequestEntry<T> Valid<T>(int index, T value)
        where T : class => new(index, value, null);

    public static RequestEntry<T> Invalid<T>(int index, string error)
        where T : class => new(index, null, error);
}
