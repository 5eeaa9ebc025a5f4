using CohortFunctions.InfraTests.Bicep;

namespace CohortFunctions.InfraTests;

/// <summary><c>deployerRolesEnabled</c>: the deploying principal gets data roles so that the team can read the tables
/// without shared keys; off, only the app's identity has data access.</summary>
[Collection(InfraTestGroup.Name)]
public sealed class DeployerRoleTests(InfraFixture infra)
{
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    private const string StorageQueueDataReader = "19e7f393-937e-4f77-808e-94535e297925";
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DeployerRoles_Enabled_GrantTheDeployerTableBlobQueueAndSecretsRoles(bool vnetEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(vnetEnabled, DeployerRolesEnabled: true));
        var storage = ArmSnapshot.Id(snapshot.Resource("Microsoft.Storage/storageAccounts"));
        var vault = ArmSnapshot.Id(snapshot.Resource("Microsoft.KeyVault/vaults"));

        // Act: names and ids hold deployer().objectId, so they stay expressions; the scope is the first argument.
        var roles = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(DeploymentOptionsTests.IsDeployers)
            .Select(a => (Scope: ArmSnapshot.Id(a).Split('\'')[1], Role: ((string)a["properties"]!["roleDefinitionId"]!).Split('/')[^1]))
            .OrderBy(a => a.Role, StringComparer.Ordinal)
            .ToList();

        // Assert
        Assert.Equal(
            new[] { (storage, StorageTableDataContributor), (storage, StorageBlobDataReader), (storage, StorageQueueDataReader), (vault, KeyVaultSecretsOfficer) }
                .OrderBy(a => a.Item2, StringComparer.Ordinal),
            roles);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DeployerRoles_Disabled_OnlyTheAppIdentityHasRoles(bool vnetEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(vnetEnabled, DeployerRolesEnabled: false));
        var identity = ArmSnapshot.Id(snapshot.Resource("Microsoft.ManagedIdentity/userAssignedIdentities"));

        // Act
        var principals = snapshot.OfType("Microsoft.Authorization/roleAssignments").Select(a => (string)a["properties"]!["principalId"]!).Distinct().ToList();

        // Assert
        Assert.Equal([$"[reference('{identity}', '2024-11-30').principalId]"], principals);
    }
}
