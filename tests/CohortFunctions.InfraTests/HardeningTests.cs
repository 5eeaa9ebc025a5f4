using System.Text.Json.Nodes;
using CohortFunctions.InfraTests.Bicep;

namespace CohortFunctions.InfraTests;

/// <summary>The secure-by-default flags of every resource, as the deployment would send them.</summary>
[Collection(InfraTestGroup.Name)]
public sealed class HardeningTests(InfraFixture infra)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    [Fact]
    public void StorageAccount_DevTemplate_IsIdentityOnlyHttpsOnlyAndPrivate()
    {
        // Arrange
        var storage = infra.DevSnapshot.Resource("Microsoft.Storage/storageAccounts");

        // Act
        var properties = storage["properties"]!;

        // Assert
        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
    }

    [Fact]
    public void DeploymentContainer_DevTemplate_IsPrivateAndUsedByTheFunctionApp()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var container = snapshot.Resource("Microsoft.Storage/storageAccounts/blobServices/containers");
        var deployment = snapshot.Resource(ArmSnapshot.FunctionAppType)["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;

        // Act
        var containerName = ArmSnapshot.Name(container).Split('/')[^1];
        var target = DeploymentStandIns.Evaluate((string)deployment["value"]!);

        // Assert
        Assert.Equal("None", (string?)container["properties"]!["publicAccess"]);
        Assert.Equal("blobContainer", (string?)deployment["type"]);
        Assert.EndsWith($".blob.core.windows.net/{containerName}", target, StringComparison.Ordinal);
        Assert.Equal("UserAssignedIdentity", (string?)deployment["authentication"]!["type"]);
    }

    [Fact]
    public void FunctionApp_DevTemplate_RunsDotnetIsolated10OnFlexConsumption()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var plan = snapshot.Resource("Microsoft.Web/serverfarms");
        var app = snapshot.Resource(ArmSnapshot.FunctionAppType);

        // Act
        var config = app["properties"]!["functionAppConfig"]!;

        // Assert
        Assert.Equal("FC1", (string?)plan["sku"]!["name"]);
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
        Assert.True((bool)plan["properties"]!["reserved"]!);
        Assert.Equal("functionapp,linux", (string?)app["kind"]);
        Assert.Equal(ArmSnapshot.Id(plan), (string?)app["properties"]!["serverFarmId"]);
        Assert.Equal("dotnet-isolated", (string?)config["runtime"]!["name"]);
        Assert.Equal("10.0", (string?)config["runtime"]!["version"]);
        Assert.Equal(2048, (int)config["scaleAndConcurrency"]!["instanceMemoryMB"]!);
        Assert.Equal(40, (int)config["scaleAndConcurrency"]!["maximumInstanceCount"]!);
    }

    [Fact]
    public void FunctionApp_DevTemplate_IsHttpsOnlyTls12WithoutFtpOrBasicPublishing()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var app = snapshot.Resource(ArmSnapshot.FunctionAppType);
        var identity = ArmSnapshot.Id(snapshot.Resource("Microsoft.ManagedIdentity/userAssignedIdentities"));

        // Act
        var policies = snapshot.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .ToDictionary(p => ArmSnapshot.Name(p).Split('/')[^1], p => (bool)p["properties"]!["allow"]!, StringComparer.Ordinal);
        var properties = app["properties"]!;

        // Assert
        Assert.True((bool)properties["httpsOnly"]!);
        Assert.Equal("1.2", (string?)properties["siteConfig"]!["minTlsVersion"]);
        Assert.Equal("1.2", (string?)properties["siteConfig"]!["scmMinTlsVersion"]);
        Assert.Equal("Disabled", (string?)properties["siteConfig"]!["ftpsState"]);
        Assert.Equal(new Dictionary<string, bool> { ["ftp"] = false, ["scm"] = false }, policies);
        Assert.Equal("UserAssigned", (string?)app["identity"]!["type"]);
        Assert.True(app["identity"]!["userAssignedIdentities"]!.AsObject().ContainsKey(identity));
        Assert.Equal(identity, (string?)properties["keyVaultReferenceIdentity"]);
    }

    [Fact]
    public void ApplicationInsights_DevTemplate_AcceptsEntraIngestionOnlyIntoLogAnalytics()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var workspace = snapshot.Resource("Microsoft.OperationalInsights/workspaces");

        // Act
        var insights = snapshot.Resource("Microsoft.Insights/components")["properties"]!;

        // Assert
        Assert.True((bool)insights["DisableLocalAuth"]!);
        Assert.Equal(ArmSnapshot.Id(workspace), (string?)insights["WorkspaceResourceId"]);
    }

    [Fact]
    public void KeyVault_DevTemplate_UsesRbacAuthorization()
    {
        // Arrange
        var vault = infra.DevSnapshot.Resource("Microsoft.KeyVault/vaults");

        // Act
        var properties = vault["properties"]!;

        // Assert
        Assert.True((bool)properties["enableRbacAuthorization"]!);
        Assert.Null(properties["accessPolicies"]);
        Assert.False((bool)properties["enabledForTemplateDeployment"]!);
    }

    [Fact]
    public void RoleAssignments_DevTemplate_GrantTheIdentityExactlyTheRolesItNeeds()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var storage = ArmSnapshot.Id(snapshot.Resource("Microsoft.Storage/storageAccounts"));
        var insights = ArmSnapshot.Id(snapshot.Resource("Microsoft.Insights/components"));
        var vault = ArmSnapshot.Id(snapshot.Resource("Microsoft.KeyVault/vaults"));
        var identity = ArmSnapshot.Id(snapshot.Resource("Microsoft.ManagedIdentity/userAssignedIdentities"));

        // Act: the app's identity; the deployer's roles (deployerRolesEnabled) are checked in DeployerRoleTests.
        var assignments = snapshot.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => !DeploymentOptionsTests.IsDeployers(a))
            .Select(a => (
                Scope: ArmSnapshot.Id(a).Split("/providers/Microsoft.Authorization/")[0],
                Role: ((string)a["properties"]!["roleDefinitionId"]!).Split('/')[^1],
                Principal: (string)a["properties"]!["principalId"]!,
                Type: (string?)a["properties"]!["principalType"]))
            .OrderBy(a => a.Role, StringComparer.Ordinal)
            .ToList();

        // Assert
        Assert.Equal(
            new[]
            {
                (storage, StorageTableDataContributor), (insights, MonitoringMetricsPublisher), (vault, KeyVaultSecretsUser),
                (storage, StorageQueueDataContributor), (storage, StorageBlobDataOwner),
            }.OrderBy(a => a.Item2, StringComparer.Ordinal),
            assignments.Select(a => (a.Scope, a.Role)));
        Assert.All(assignments, a => Assert.Equal($"[reference('{identity}', '2024-11-30').principalId]", a.Principal));
        Assert.All(assignments, a => Assert.Equal("ServicePrincipal", a.Type));
    }

    [Fact]
    public void RoleAssignments_CompiledTemplate_AreNamedByGuidOverResourceIds()
    {
        // Arrange
        var names = Descendants(infra.Template)
            .Where(o => (string?)o["type"] == "Microsoft.Authorization/roleAssignments")
            .Select(o => (string)o["name"]!)
            .ToList();

        // Act
        var notDeterministic = names
            .Where(n => !n.StartsWith("[guid(", StringComparison.Ordinal)
                || !n.Contains("resourceId(", StringComparison.Ordinal)
                || n.Contains("principalId", StringComparison.OrdinalIgnoreCase)
                || n.Contains("newGuid", StringComparison.OrdinalIgnoreCase))
            .ToList();

        // Assert: five for the app's identity; for the deployer (deployerRolesEnabled), a loop of three storage roles and the vault role.
        Assert.Equal(7, names.Count);
        Assert.Empty(notDeterministic);
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode node) => node switch
    {
        JsonObject o => [o, .. o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants)],
        JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants),
        _ => [],
    };
}
