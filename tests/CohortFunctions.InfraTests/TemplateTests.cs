using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CohortFunctions.InfraTests.Bicep;

namespace CohortFunctions.InfraTests;

/// <summary>The templates themselves: they lint and build clean, the lint rules that matter block, and the contract
/// (descriptions, secure parameters, outputs) holds.</summary>
[Collection(InfraTestGroup.Name)]
public sealed partial class TemplateTests(InfraFixture infra)
{
    private static readonly string[] RequiredOutputs = ["FUNCTION_APP_NAME", "FUNCTION_APP_HOSTNAME", "REST_ENDPOINT"];

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("main.bicepparam")]
    public void Lint_CommittedFile_ReportsNoDiagnostics(string file)
    {
        // Arrange
        string[] arguments = ["lint", file];

        // Act
        var result = BicepCli.Run(infra.InfraDirectory, arguments, InfraFixture.DevEnvironment);

        // Assert
        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0, result.Describe());
    }

    [Fact]
    public void BuildParams_DevParameters_TakesThePartnerKeyFromTheEnvironment()
    {
        // Arrange
        string[] arguments = ["build-params", "main.bicepparam", "--stdout"];

        // Act
        var result = BicepCli.Run(infra.InfraDirectory, arguments, InfraFixture.DevEnvironment);

        // Assert
        Assert.True(result.ExitCode == 0 && result.Diagnostics.Count == 0, result.Describe());
        var parameters = JsonNode.Parse((string)JsonNode.Parse(result.StandardOutput)!["parametersJson"]!)!["parameters"]!;
        Assert.Equal("dev", (string?)parameters["environmentName"]!["value"]);
        Assert.Equal(InfraFixture.FakeAmplitudeKey, (string?)parameters["partnerApiKeys"]!["value"]!["amplitude"]![0]);
    }

    [Fact]
    public void BuildParams_PartnerKeyNotInEnvironment_FailsNamingTheVariable()
    {
        // Arrange: an unset key must stop the deployment before anything is created, not deploy an empty key.
        var environment = new Dictionary<string, string?> { ["AMPLITUDE_PARTNER_API_KEY"] = null };

        // Act
        var result = BicepCli.Run(infra.InfraDirectory, ["build-params", "main.bicepparam", "--stdout"], environment);

        // Assert
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AMPLITUDE_PARTNER_API_KEY", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("secure-parameter-default", "@secure()\nparam apiKey string = 'not-a-real-key'\noutput n int = length(apiKey)\n")]
    [InlineData("secure-secrets-in-params", "param clientSecret string\noutput n int = length(clientSecret)\n")]
    [InlineData("outputs-should-not-contain-secrets", "@secure()\nparam apiKey string\noutput leaked string = apiKey\n")]
    [InlineData("no-unused-params", "param unused string\n")]
    [InlineData("use-recent-api-versions", "param location string\nresource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2018-11-30' = {\n  name: 'id-test'\n  location: location\n}\n")]
    public void Lint_TemplateBreakingARaisedRule_FailsWithThatRuleAsError(string rule, string template)
    {
        // Arrange: a template next to a copy of infra/bicepconfig.json that breaks exactly one rule.
        ArgumentNullException.ThrowIfNull(template);
        var directory = Path.Combine(infra.WorkDirectory, "lint-" + rule);
        Directory.CreateDirectory(directory);
        File.Copy(Path.Combine(infra.InfraDirectory, "bicepconfig.json"), Path.Combine(directory, "bicepconfig.json"), overwrite: true);
        File.WriteAllText(Path.Combine(directory, "bad.bicep"), template);

        // Act
        var result = BicepCli.Run(directory, ["lint", "bad.bicep"]);

        // Assert
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(result.Diagnostics, d => d.Contains($"Error {rule}:", StringComparison.Ordinal));
    }

    [Fact]
    public void Parameters_EveryTemplate_HaveDescriptions()
    {
        // Arrange: main.bicep and every module (compiled as nested deployment templates).
        var templates = Templates(infra.Template).ToList();

        // Act
        var undescribed = templates
            .SelectMany(t => t["parameters"]?.AsObject() ?? [])
            .Where(p => string.IsNullOrWhiteSpace((string?)p.Value?["metadata"]?["description"]))
            .Select(p => p.Key)
            .ToList();

        // Assert
        Assert.Equal(8, templates.Count);
        Assert.Empty(undescribed);
    }

    [Fact]
    public void Parameters_PartnerApiKeys_AreSecureWithoutDefault()
    {
        // Arrange
        var parameters = infra.Template["parameters"]!.AsObject();

        // Act
        var partnerApiKeys = parameters["partnerApiKeys"]!;
        var secure = parameters.Where(p => IsSecure(p.Value!)).Select(p => p.Key);

        // Assert
        Assert.Equal("secureObject", (string?)partnerApiKeys["type"]);
        Assert.Null(partnerApiKeys["defaultValue"]);
        Assert.Equal(["partnerApiKeys"], secure);
    }

    [Fact]
    public void Parameters_NamedLikeASecret_AreSecureInEveryTemplate()
    {
        // Arrange: the linter's secure-secrets-in-params does not take "ApiKey" for a secret name; this does.
        var parameters = Templates(infra.Template).SelectMany(t => t["parameters"]?.AsObject() ?? []).ToList();

        // Act
        var plain = parameters.Where(p => SecretName().IsMatch(p.Key) && !IsSecure(p.Value!)).Select(p => p.Key).ToList();

        // Assert
        Assert.Contains(parameters, p => SecretName().IsMatch(p.Key));
        Assert.Empty(plain);
    }

    [Fact]
    public void Outputs_DevTemplate_AreUpperSnakeAndIncludeTheRestEndpoint()
    {
        // Arrange
        var outputs = infra.DevSnapshot.Outputs;
        var hostname = DeploymentStandIns.Evaluate(outputs["FUNCTION_APP_HOSTNAME"]);

        // Act
        var notUpperSnake = outputs.Keys.Where(k => !UpperSnake().IsMatch(k)).ToList();

        // Assert
        Assert.Empty(notUpperSnake);
        Assert.All(RequiredOutputs, o => Assert.True(outputs.ContainsKey(o), $"Output {o} is missing."));
        Assert.Equal(ArmSnapshot.Name(infra.DevSnapshot.Resource(ArmSnapshot.FunctionAppType)), outputs["FUNCTION_APP_NAME"]);
        Assert.Equal($"https://{hostname}", DeploymentStandIns.Evaluate(outputs["REST_ENDPOINT"]));
    }

    [Fact]
    public void Outputs_DevTemplate_CarryNoSecretOrConnectionString()
    {
        // Arrange
        var outputs = infra.DevSnapshot.Outputs;
        string[] secretSigns = ["parameters('partnerApiKeys')", "ConnectionString", "AccountKey", "listKeys", "/secrets/", "InstrumentationKey"];

        // Act
        var leaking = outputs.Where(o => secretSigns.Any(s => o.Value.Contains(s, StringComparison.OrdinalIgnoreCase))).Select(o => o.Key).ToList();

        // Assert
        Assert.Empty(leaking);
    }

    [Fact]
    public void Snapshot_DevParameters_NeverContainsThePartnerKey()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;

        // Act
        var leaked = snapshot.Json.Contains(InfraFixture.FakeAmplitudeKey, StringComparison.Ordinal);

        // Assert
        Assert.False(leaked);
        Assert.Empty(snapshot.Diagnostics);
    }

    [Fact]
    public void ResourceNames_TwoEnvironments_DifferByEnvironmentNameAndToken()
    {
        // Arrange
        var dev = infra.DevSnapshot;
        var prod = infra.Snapshot("prod.bicepparam", "using 'main.bicep'\nparam environmentName = 'prod'\nparam partnerApiKeys = { amplitude: ['fake-prod-key'] }\n");

        // Act
        var devNames = dev.Resources.Where(IsTopLevel).Select(ArmSnapshot.Name).ToHashSet(StringComparer.Ordinal);
        var prodNames = prod.Resources.Where(IsTopLevel).Select(ArmSnapshot.Name).ToList();

        // Assert
        Assert.StartsWith("func-dev-", ArmSnapshot.Name(dev.Resource(ArmSnapshot.FunctionAppType)), StringComparison.Ordinal);
        Assert.StartsWith("func-prod-", ArmSnapshot.Name(prod.Resource(ArmSnapshot.FunctionAppType)), StringComparison.Ordinal);
        Assert.Equal(devNames.Count, prodNames.Count);
        Assert.DoesNotContain(prodNames, devNames.Contains);
    }

    // Not a child resource, and not an extension resource (role assignments, diagnostic settings) named within its scope.
    [Fact]
    public void DeployDocs_EveryParameterOfMainBicep_IsARowOfTheParametersTable()
    {
        // Arrange
        var page = File.ReadAllText(Path.Combine(infra.RepositoryRoot, "docs", "deploy.md"));

        // Act
        var missing = infra.Template["parameters"]!.AsObject().Select(p => p.Key)
            .Where(p => !page.Contains($"| `{p}` |", StringComparison.Ordinal) && !page.Contains($"| `{p}` (secure) |", StringComparison.Ordinal))
            .ToList();

        // Assert
        Assert.Empty(missing);
    }

    private static bool IsTopLevel(JsonObject resource) =>
        ((string)resource["type"]!).Count(c => c == '/') == 1 && ArmSnapshot.Id(resource).Split("/providers/").Length == 2;

    private static IEnumerable<JsonObject> Templates(JsonObject template)
    {
        yield return template;
        var resources = template["resources"] switch
        {
            JsonObject byName => byName.Select(r => r.Value),
            JsonArray list => list.AsEnumerable(),
            _ => [],
        };
        foreach (var nested in resources.OfType<JsonObject>().Select(r => (r["properties"] as JsonObject)?["template"]).OfType<JsonObject>())
        {
            foreach (var inner in Templates(nested))
            {
                yield return inner;
            }
        }
    }

    private static bool IsSecure(JsonNode parameter) =>
        ((string?)parameter["type"])?.StartsWith("secure", StringComparison.Ordinal) == true;

    [GeneratedRegex("apikey|secret|password|token|credential|connectionstring", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex UpperSnake();
}
