using System.Text.Json;

namespace CohortFunctions.LocalHost;

/// <summary>
/// Reads the <c>Values</c> of <c>local.settings.json</c> (or, when there is none, of
/// <c>local.settings.sample.json</c>) as the lowest-precedence configuration, the way <c>func start</c> turns them
/// into environment variables: environment variables and command-line arguments still override every value.
/// </summary>
internal static class LocalSettings
{
    public static readonly string[] FileNames = ["local.settings.json", "local.settings.sample.json"];

    public static string? Find(string directory) =>
        FileNames.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    public static void AddTo(ConfigurationManager configuration, string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var setting in section.EnumerateObject())
            {
                values[setting.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] =
                    setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText();
            }
        }

        // Lowest precedence: re-add every existing source after the local values, so that the environment and the
        // command line still win. ConfigurationManager does not reload on Sources.Insert.
        var existing = configuration.Sources.ToList();
        configuration.Sources.Clear();
        configuration.AddInMemoryCollection(values);
        foreach (var source in existing)
        {
            configuration.Sources.Add(source);
        }
    }
}
