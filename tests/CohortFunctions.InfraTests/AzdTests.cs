using System.Diagnostics;
using System.Text.RegularExpressions;
using CohortFunctions.InfraTests.Bicep;

namespace CohortFunctions.InfraTests;

/// <summary>azure.yaml and the template agree, so that <c>azd up</c> provisions and then finds the app to deploy.</summary>
[Collection(InfraTestGroup.Name)]
public sealed partial class AzdTests(InfraFixture infra)
{
    [Fact]
    public void AzureYaml_Service_MatchesTheFunctionAppTagAndAnExistingProject()
    {
        // Arrange
        var yaml = File.ReadAllText(Path.Combine(infra.RepositoryRoot, "azure.yaml"));
        var tag = (string?)infra.DevSnapshot.Resource(ArmSnapshot.FunctionAppType)["tags"]?["azd-service-name"];

        // Act
        var service = ServiceBlock().Match(yaml);

        // Assert
        Assert.True(service.Success, "azure.yaml declares no service with project, language and host.");
        Assert.Equal(tag, service.Groups["name"].Value);
        Assert.Equal("function", service.Groups["host"].Value);
        Assert.Equal("dotnet", service.Groups["language"].Value);
        Assert.True(
            File.Exists(Path.Combine(infra.RepositoryRoot, service.Groups["project"].Value, "CohortFunctions.Functions.csproj")),
            $"No Functions project at {service.Groups["project"].Value}.");
    }

    [Fact]
    public void AzureYaml_Infra_PointsAtMainBicepAndItsParameters()
    {
        // Arrange
        var yaml = File.ReadAllText(Path.Combine(infra.RepositoryRoot, "azure.yaml"));

        // Act
        var path = InfraPath().Match(yaml).Groups["path"].Value;
        var module = InfraModule().Match(yaml).Groups["module"].Value;

        // Assert: azd reads <module>.bicepparam next to <module>.bicep.
        Assert.True(File.Exists(Path.Combine(infra.RepositoryRoot, path, module + ".bicep")), $"No {path}/{module}.bicep.");
        Assert.True(File.Exists(Path.Combine(infra.RepositoryRoot, path, module + ".bicepparam")), $"No {path}/{module}.bicepparam.");
    }

    [Fact]
    public void PostdeployHook_WithTheTemplatesOutputs_PrintsTheRestEndpointConsoleAndNextStep()
    {
        // Arrange: azd hands the template's outputs to the hook as environment variables.
        var yaml = File.ReadAllText(Path.Combine(infra.RepositoryRoot, "azure.yaml"));
        var script = PosixHook().Match(yaml).Groups["script"].Value;
        string[] handed = ["REST_ENDPOINT", "CONSOLE_URL", "OPENAPI_URL", "FUNCTION_APP_NAME"];
        var outputs = handed.ToDictionary(o => o, o => DeploymentStandIns.Evaluate(infra.DevSnapshot.Outputs[o]), StringComparer.Ordinal);
        var start = new ProcessStartInfo("sh") { WorkingDirectory = infra.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var name in handed)
        {
            start.Environment[name] = outputs[name];
        }

        // Act
        using var process = Process.Start(start)!;
        var printed = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();

        // Assert
        Assert.True(process.ExitCode == 0, errors);
        Assert.Contains($"REST endpoint (paste into Amplitude):  {outputs["REST_ENDPOINT"]}", printed, StringComparison.Ordinal);
        Assert.Contains($"Operator console:                      {outputs["REST_ENDPOINT"]}/console", printed, StringComparison.Ordinal);
        Assert.Contains($"{outputs["REST_ENDPOINT"]}/manage/workspaces/<workspace>/partners/amplitude/keys", printed, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(infra.RepositoryRoot, WindowsHook().Match(yaml).Groups["script"].Value)), "The Windows hook script is missing.");
    }

    [GeneratedRegex(@"^  postdeploy:\s*\n    posix:\s*\n      shell: sh\s*\n      run: (?<script>\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PosixHook();

    [GeneratedRegex(@"^    windows:\s*\n      shell: pwsh\s*\n      run: (?<script>\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex WindowsHook();

    [GeneratedRegex(@"^services:\s*\n(?:\s*#.*\n)*  (?<name>[a-z0-9-]+):\s*\n    project: (?<project>\S+)\s*\n    language: (?<language>\S+)\s*\n    host: (?<host>\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ServiceBlock();

    [GeneratedRegex(@"^  path: (?<path>\S+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex InfraPath();

    [GeneratedRegex(@"^  module: (?<module>\S+)\s*$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex InfraModule();
}
