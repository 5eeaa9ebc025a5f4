using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace CohortFunctions.App.OperatorConsole;

/// <summary>
/// The operator console's static files (HTML, CSS, ES modules), embedded in the app's assembly under
/// <c>console/</c>: there is nothing to deploy beside the app and no build step. Read once; each file's ETag is the
/// hash of its bytes, so a new deployment changes it.
/// </summary>
internal sealed class ConsoleAssets
{
    /// <summary>The page every console route starts from.</summary>
    public const string IndexPath = "index.html";

    private const string ResourcePrefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, ConsoleAsset> _assets;

    public ConsoleAssets()
        : this(typeof(ConsoleAssets).Assembly)
    {
    }

    internal ConsoleAssets(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var path = name[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(System.IO.Path.GetExtension(path), out var contentType))
            {
                throw new InvalidOperationException($"Console file '{path}' has no known media type: add its extension to {nameof(ConsoleAssets)}.");
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..32] + "\"";
            assets[path] = new ConsoleAsset(path, content, contentType, etag);
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every file, by its path under <c>/console/</c>.</summary>
    public IReadOnlyCollection<string> Paths => _assets.Keys;

    /// <summary>The file at <paramref name="path"/> (relative to <c>/console/</c>), or null: only embedded files exist.</summary>
    public ConsoleAsset? Find(string? path) =>
        _assets.GetValueOrDefault(string.IsNullOrEmpty(path) ? IndexPath : path);
}
