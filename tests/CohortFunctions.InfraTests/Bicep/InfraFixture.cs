using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace CohortFunctions.InfraTests.Bicep;

/// <summary>
/// Compiles infra/ once per test run and shares the results: the ARM JSON of main.bicep and deployment snapshots
/// (<c>bicep snapshot</c>: every resource ARM would deploy, with parameters, variables, loops and names evaluated;
/// only values known after deployment, such as endpoints, and secure parameters stay expressions).
/// Snapshots write next to the parameters file, so they run on a copy of infra/ in a temporary folder.
/// </summary>
public sealed class InfraFixture : IDisposable
{
    /// <summary>Stands in for the Amplitude partner API key that an operator exports; must never appear in any output.</summary>
    public const string FakeAmplitudeKey = "fake-amplitude-partner-key-7c1e";

    public const string SubscriptionId = "11111111-2222-3333-4444-555555555555";
    public const string TenantId = "66666666-7777-8888-9999-000000000000";
    public const string ResourceGroup = "rg-cohorts-ci";
    public const string Location = "westeurope";

    private readonly Lazy<JsonObject> _template;
    private readonly ConcurrentDictionary<string, Lazy<ArmSnapshot>> _snapshots = new(StringComparer.Ordinal);

    public InfraFixture()
    {
        RepositoryRoot = FindRepositoryRoot();
        InfraDirectory = Path.Combine(RepositoryRoot, "infra");
        WorkDirectory = Directory.CreateTempSubdirectory("cohortfunctions-infra-").FullName;
        CopyDirectory(InfraDirectory, WorkDirectory);
        _template = new(() => ParseJson(Require(BicepCli.Run(InfraDirectory, ["build", "main.bicep", "--stdout"]), "bicep build main.bicep")));
    }

    public string RepositoryRoot { get; }

    /// <summary>infra/ of the working tree; lint and build read it in place (they write nothing).</summary>
    public string InfraDirectory { get; }

    /// <summary>The temporary copy of infra/ that snapshots and test-only parameter files use.</summary>
    public string WorkDirectory { get; }

    /// <summary>The environment the dev parameters file is built with: a fake partner key, no azd environment name.</summary>
    public static IReadOnlyDictionary<string, string?> DevEnvironment { get; } = new Dictionary<string, string?>
    {
        ["AMPLITUDE_PARTNER_API_KEY"] = FakeAmplitudeKey,
        ["AZURE_ENV_NAME"] = null,
    };

    /// <summary>main.bicep compiled to ARM JSON (languageVersion 2.0: resources keyed by symbolic name).</summary>
    public JsonObject Template => _template.Value;

    /// <summary>The snapshot of infra/main.bicepparam as committed, built with <see cref="DevEnvironment"/>.</summary>
    public ArmSnapshot DevSnapshot => Snapshot("main.bicepparam", contents: null, DevEnvironment);

    /// <summary>
    /// The snapshot of a parameters file next to main.bicep: the committed one when <paramref name="contents"/> is null,
    /// otherwise one written with these contents (its first line must be <c>using 'main.bicep'</c>).
    /// </summary>
    public ArmSnapshot Snapshot(string parametersFile, string? contents, IReadOnlyDictionary<string, string?>? environment = null) =>
        _snapshots.GetOrAdd(parametersFile, _ => new Lazy<ArmSnapshot>(() =>
        {
            if (contents is not null)
            {
                File.WriteAllText(Path.Combine(WorkDirectory, parametersFile), contents);
            }

            var result = BicepCli.Run(
                WorkDirectory,
                ["snapshot", parametersFile, "--mode", "overwrite", "--subscription-id", SubscriptionId, "--tenant-id", TenantId,
                 "--resource-group", ResourceGroup, "--location", Location, "--deployment-name", "main"],
                environment);
            Require(result, $"bicep snapshot {parametersFile}");
            var snapshotPath = Path.Combine(WorkDirectory, Path.ChangeExtension(parametersFile, ".snapshot.json"));
            return new ArmSnapshot(File.ReadAllText(snapshotPath));
        })).Value;

    /// <summary>The snapshot of a parameters file with these options (written next to main.bicep in the work copy).</summary>
    public ArmSnapshot Snapshot(DeploymentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Snapshot(options.FileName, options.Contents);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is not worth failing the run for.
        }
    }

    private static string Require(BicepResult result, string what)
    {
        if (result.ExitCode != 0 || result.Diagnostics.Count > 0)
        {
            throw new InvalidOperationException($"{what} failed or reported diagnostics: {result.Describe()}");
        }

        return result.StandardOutput;
    }

    private static JsonObject ParseJson(string json) =>
        JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("bicep build printed no JSON.");

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CohortFunctions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No CohortFunctions.sln above {AppContext.BaseDirectory}.");
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)), overwrite: true);
        }
    }
}

/// <summary>Every infra test class shares one <see cref="InfraFixture"/>, so the CLI compiles each input once.</summary>
[CollectionDefinition(Name)]
public sealed class InfraTestGroup : ICollectionFixture<InfraFixture>
{
    public const string Name = "infra";
}
