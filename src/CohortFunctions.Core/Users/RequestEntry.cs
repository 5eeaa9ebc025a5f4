using System.Globalization;
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
    /// The entries of a batch request body <c>{"name": [...]}</c>, each parsed on its own (<paramref name="parse"/> is
    /// given the JSON objects; anything else is an invalid <paramref name="entry"/>). The whole request is invalid only
    /// when the array is missing (<c>users must be an array.</c>) or longer than <paramref name="max"/>
    /// (<c>users: at most 1,000 users per request.</c>).
    /// </summary>
    public static Result<IReadOnlyList<RequestEntry<T>>> ParseAll<T>(JsonElement body, string name, int max, string entry, Func<int, JsonElement, RequestEntry<T>> parse)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return Failure.Invalid($"{name} must be an array.");
        }

        if (array.GetArrayLength() > max)
        {
            return Failure.Invalid(string.Create(CultureInfo.InvariantCulture, $"{name}: at most {max:N0} users per request."));
        }

        var entries = new List<RequestEntry<T>>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            entries.Add(element.ValueKind == JsonValueKind.Object ? parse(index, element) : Invalid<T>(index, $"{entry} must be a JSON object."));
            index++;
        }

        return entries;
    }
}
