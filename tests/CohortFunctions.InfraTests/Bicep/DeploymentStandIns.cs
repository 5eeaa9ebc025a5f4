using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CohortFunctions.InfraTests.Bicep;

/// <summary>
/// Turns a snapshot's app setting values into what the app would see in Azure: the few values ARM knows only after
/// deployment (<c>reference(id).property</c>: endpoints, the identity's client id, the default hostname) get
/// plausible stand-ins for that resource, and Key Vault references resolve as App Service would resolve them.
/// Anything else it does not recognise throws, so a new kind of expression cannot slip through unchecked.
/// </summary>
public static partial class DeploymentStandIns
{
    public const string IdentityClientId = "0c1d0c1d-0000-4000-8000-00000000c11d";

    /// <summary>What a Key Vault reference to <paramref name="secretName"/> resolves to in these checks.</summary>
    public static string ResolvedSecret(string secretName) => $"resolved-from-key-vault:{secretName}";

    /// <summary>The value as ARM would write it into the app setting (Key Vault references stay references).</summary>
    public static string Evaluate(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.StartsWith('[') || value.StartsWith("[[", StringComparison.Ordinal))
        {
            return value;
        }

        var expression = Reference().Replace(value[1..^1], m => Quote(ReferenceStandIn(m.Groups["id"].Value, m.Groups["path"].Value)));
        var format = FormatCall().Match(expression);
        if (format.Success)
        {
            var arguments = Arguments(format.Groups["args"].Value, expression);
            var template = (string)arguments[0];
            return string.Format(CultureInfo.InvariantCulture, template, [.. arguments.Skip(1)]);
        }

        var literal = Arguments(expression, expression);
        return literal is [string text]
            ? text
            : throw new NotSupportedException($"No stand-in for the ARM expression [{expression}].");
    }

    /// <summary>The value as the app reads it: evaluated, and a Key Vault reference replaced by its secret.</summary>
    public static string Resolve(string value)
    {
        var evaluated = Evaluate(value);
        var reference = KeyVaultReference().Match(evaluated);
        return reference.Success ? ResolvedSecret(reference.Groups["secret"].Value) : evaluated;
    }

    /// <summary>Matches <c>@Microsoft.KeyVault(SecretUri=https://vault.vault.azure.net/secrets/name)</c>, versionless.</summary>
    [GeneratedRegex(@"^@Microsoft\.KeyVault\(SecretUri=https://(?<vault>[a-z0-9-]+)\.vault\.azure\.net/secrets/(?<secret>[A-Za-z0-9-]+)\)$", RegexOptions.CultureInvariant)]
    public static partial Regex KeyVaultReference();

    private static string ReferenceStandIn(string resourceId, string path)
    {
        var segments = resourceId.Split("/providers/")[^1].Split('/');
        var type = $"{segments[0]}/{segments[1]}";
        var name = segments[2];
        return (type, path) switch
        {
            ("Microsoft.Storage/storageAccounts", ".primaryEndpoints.table") => $"https://{name}.table.core.windows.net/",
            ("Microsoft.Storage/storageAccounts", ".primaryEndpoints.blob") => $"https://{name}.blob.core.windows.net/",
            ("Microsoft.ManagedIdentity/userAssignedIdentities", ".clientId") => IdentityClientId,
            ("Microsoft.ManagedIdentity/userAssignedIdentities", ".principalId") => "0c1d0c1d-0000-4000-8000-0000000000b1",
            ("Microsoft.KeyVault/vaults", ".vaultUri") => $"https://{name}.vault.azure.net/",
            ("Microsoft.Web/sites", ".defaultHostName") => $"{name}.azurewebsites.net",
            ("Microsoft.Insights/components", ".ConnectionString") =>
                "InstrumentationKey=00000000-0000-4000-8000-000000000a11;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
            _ => throw new NotSupportedException($"No stand-in for reference('{resourceId}'){path}."),
        };
    }

    private static string Quote(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";

    /// <summary>Parses a comma-separated list of ARM literals: 'strings' ('' escapes a quote) and integers.</summary>
    private static List<object> Arguments(string text, string expression)
    {
        var values = new List<object>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }

            if (i >= text.Length)
            {
                break;
            }

            if (text[i] == '\'')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new NotSupportedException($"Unterminated string in [{expression}].");
                    }

                    if (text[i] == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        value.Append('\'');
                        i += 2;
                    }
                    else if (text[i] == '\'')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        value.Append(text[i++]);
                    }
                }

                values.Add(value.ToString());
            }
            else
            {
                var end = i;
                while (end < text.Length && char.IsAsciiDigit(text[end]))
                {
                    end++;
                }

                if (end == i)
                {
                    throw new NotSupportedException($"No stand-in for the ARM expression [{expression}].");
                }

                values.Add(int.Parse(text[i..end], CultureInfo.InvariantCulture));
                i = end;
            }
        }

        return values;
    }

    [GeneratedRegex(@"reference\('(?<id>[^']+)', '[^']+'\)(?<path>(\.[A-Za-z]+)+)", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"^format\((?<args>.*)\)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex FormatCall();
}
