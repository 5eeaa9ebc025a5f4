using System.Text.Json.Nodes;
using CohortFunctions.InfraTests.Bicep;
using Xunit.Abstractions;

namespace CohortFunctions.InfraTests;

/// <summary>
/// Every combination of <c>vnetEnabled</c> and <c>deployerRolesEnabled</c>: the parameters lint and build clean, the
/// snapshot evaluates without a diagnostic, and no option brings back account keys.
/// </summary>
[Collection(InfraTestGroup.Name)]
public sealed class DeploymentOptionsTests(InfraFixture infra, ITestOutputHelper output)
{
    // An ARM function that reads account keys or signs with them, or a connection string that carries one.
    private static readonly string[] KeyMaterial = ["listKeys", "AccountKey=", "listAccountSas", "listServiceSas", "SharedAccessSignature="];

    [Theory]
    [MemberData(nameof(DeploymentOptions.All), MemberType = typeof(DeploymentOptions))]
    public void Parameters_EachOption_LintBuildAndSnapshotClean(bool vnetEnabled, bool deployerRolesEnabled)
    {
        // Arrange
        var options = new DeploymentOptions(vnetEnabled, deployerRolesEnabled);
        var snapshot = infra.Snapshot(options);

        // Act
        var lint = BicepCli.Run(infra.WorkDirectory, ["lint", options.FileName]);
        var build = BicepCli.Run(infra.WorkDirectory, ["build-params", options.FileName, "--stdout"]);

        // Assert
        Assert.True(lint.ExitCode == 0 && lint.Diagnostics.Count == 0, lint.Describe());
        Assert.True(build.ExitCode == 0 && build.Diagnostics.Count == 0, build.Describe());
        Assert.Empty(snapshot.Diagnostics);
        output.WriteLine($"{options.FileName}: {snapshot.Resources.Count} resources");
        foreach (var group in snapshot.Resources.GroupBy(r => (string)r["type"]!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Count(),3} {group.Key}");
        }
    }

    [Fact]
    public void Template_Compiled_ContainsNoKeyMaterial()
    {
        // Arrange
        var json = infra.Template.ToJsonString();

        // Act
        var found = KeyMaterial.Where(k => json.Contains(k, StringComparison.OrdinalIgnoreCase)).ToList();

        // Assert
        Assert.Empty(found);
    }

    [Theory]
    [MemberData(nameof(DeploymentOptions.All), MemberType = typeof(DeploymentOptions))]
    public void Snapshot_EachOption_ContainsNoKeyMaterialOrPartnerKey(bool vnetEnabled, bool deployerRolesEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(vnetEnabled, deployerRolesEnabled));

        // Act
        var found = KeyMaterial.Append(DeploymentOptions.PartnerKey).Where(k => snapshot.Json.Contains(k, StringComparison.OrdinalIgnoreCase)).ToList();

        // Assert
        Assert.Empty(found);
        Assert.False((bool)snapshot.Resource("Microsoft.Storage/storageAccounts")["properties"]!["allowSharedKeyAccess"]!);
    }

    [Theory]
    [MemberData(nameof(DeploymentOptions.All), MemberType = typeof(DeploymentOptions))]
    public void ResourceCounts_EachOption_DifferOnlyByTheOptionsResources(bool vnetEnabled, bool deployerRolesEnabled)
    {
        // Arrange: the option's own resources, and nothing else, come and go with it.
        var snapshot = infra.Snapshot(new DeploymentOptions(vnetEnabled, deployerRolesEnabled));
        var baseline = infra.Snapshot(new DeploymentOptions(VnetEnabled: false, DeployerRolesEnabled: false));

        // Act
        var added = snapshot.Resources.Count - baseline.Resources.Count;
        var network = snapshot.Resources.Count(r => ((string)r["type"]!).StartsWith("Microsoft.Network/", StringComparison.Ordinal));
        var deployerRoles = snapshot.OfType("Microsoft.Authorization/roleAssignments").Count(IsDeployers);

        // Assert: a virtual network, 4 private endpoints with their zone groups, 4 zones with their links; 4 roles.
        Assert.Equal(vnetEnabled ? 17 : 0, network);
        Assert.Equal(deployerRolesEnabled ? 4 : 0, deployerRoles);
        Assert.Equal(network + deployerRoles, added);
    }

    internal static bool IsDeployers(JsonObject assignment) =>
        (string?)assignment["properties"]!["principalId"] == "[deployer().objectId]";
}
