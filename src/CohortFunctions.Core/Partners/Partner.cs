using System.Security.Cryptography;
using System.Text;

namespace CohortFunctions.Partners;

/// <summary>A configured partner, e.g. Amplitude.</summary>
internal sealed class Partner
{
    private readonly byte[][] _apiKeyDigests;

    internal Partner(string name, string displayName, IEnumerable<string> apiKeys)
    {
        Name = name;
        DisplayName = displayName;
        _apiKeyDigests = [.. apiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Digest)];
    }

    /// <summary>The slug in the URL, lower case.</summary>
    public string Name { get; }

    /// <summary>The name people read, e.g. "Amplitude".</summary>
    public string DisplayName { get; }

    /// <summary>The segment filter's name, e.g. "Amplitude Cohorts".</summary>
    public string FilterName => $"{DisplayName} Cohorts";

    /// <summary>
    /// Whether <paramref name="candidate"/> is one of this partner's API keys. Digests are compared so that neither
    /// the content nor the length of a configured key leaks through timing.
    /// </summary>
    public bool AcceptsApiKey(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate))
        {
            return false;
        }

        var digest = Digest(candidate);
        var accepted = false;
        foreach (var key in _apiKeyDigests)
        {
            accepted |= CryptographicOperations.FixedTimeEquals(key, digest);
        }

        return accepted;
    }

    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
