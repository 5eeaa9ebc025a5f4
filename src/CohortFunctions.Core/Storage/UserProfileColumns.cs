using System.Text.Json;

namespace CohortFunctions.Storage;

/// <summary>Encoding of the profile columns only the users feature reads (the shared ones are in <see cref="UserColumns"/>).</summary>
internal static class UserProfileColumns
{
    public static string WriteDeviceIds(IReadOnlyList<string> deviceIds) => JsonSerializer.Serialize(deviceIds);

    public static IReadOnlyList<string> ReadDeviceIds(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];
}
