using System.Text.Json;
using CohortFunctions.Results;

namespace CohortFunctions.Users;

/// <summary>Builds <see cref="RequestEntry{T}"/>s.</summary>
internal static class RequestEntry
{
    public static RequestEntry<T> Valid<T>(int index, T value)
        where T : class => new(index, value, null);

    public static RequestEntry<T> Invalid<T>(int index, string error)
        where T : class => new(index, null, error);

    /// <summary>
    /// The entries of a batch request body <c>{"name": [...]}</c>, each parsed on its own; the whole request is
    /// invalid only when the array is missing or longer than <paramref name="max"/>.
    /// </summary>
    public static Result<IReadOnlyList<RequestEntry<T>>> ParseAll<T>(
        JsonElement body,
        string name,
        int max,
        (string NotAnArray, string TooMany) messages,
        Func<int, JsonElement, RequestEntry<T>> parse)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return Failure.Invalid(messages.NotAnArray);
        }

        if (array.GetArrayLength() > max)
        {
            return Failure.Invalid(messages.TooMany);
        }

        var entries = new List<RequestEntry<T>>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            entries.Add(parse(index++, element));
        }

        return entries;
    }
}
