using System.Text.Json.Nodes;
using CohortFunctions.InfraTests.Bicep;

namespace CohortFunctions.InfraTests;

/// <summary><c>vnetEnabled</c>: private endpoints with private DNS for table, blob, queue and vault, public access off,
/// the app integrated into the virtual network; off: none of it, and public access as before.</summary>
[Collection(InfraTestGroup.Name)]
public sealed class NetworkTests(InfraFixture infra)
{
    private static readonly Dictionary<string, string> ZoneByGroup = new(StringComparer.Ordinal)
    {
        ["table"] = "privatelink.table.",
        ["blob"] = "privatelink.blob.",
        ["queue"] = "privatelink.queue.",
        ["vault"] = "vaultcore",
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PrivateEndpoints_VnetEnabled_TableBlobQueueAndVaultEachWithItsDnsZone(bool deployerRolesEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(VnetEnabled: true, deployerRolesEnabled));
        var storage = ArmSnapshot.Id(snapshot.Resource("Microsoft.Storage/storageAccounts"));
        var vault = ArmSnapshot.Id(snapshot.Resource("Microsoft.KeyVault/vaults"));
        var vnet = snapshot.Resource("Microsoft.Network/virtualNetworks");
        var zoneGroups = snapshot.OfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").ToList();
        var links = snapshot.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").ToList();

        // Act
        var endpoints = snapshot.OfType("Microsoft.Network/privateEndpoints").Select(e =>
        {
            var connection = e["properties"]!["privateLinkServiceConnections"]!.AsArray().Single()!["properties"]!;
            return (
                Group: (string)connection["groupIds"]!.AsArray().Single()!,
                Target: (string)connection["privateLinkServiceId"]!,
                Subnet: (string)e["properties"]!["subnet"]!["id"]!,
                ZoneGroup: zoneGroups.Single(g => ArmSnapshot.Name(g).StartsWith(ArmSnapshot.Name(e) + "/", StringComparison.Ordinal)));
        }).ToDictionary(e => e.Group, StringComparer.Ordinal);

        // Assert
        Assert.Equal(["blob", "queue", "table", "vault"], endpoints.Keys.Order(StringComparer.Ordinal));
        Assert.All(["table", "blob", "queue"], g => Assert.Equal(storage, endpoints[g].Target));
        Assert.Equal(vault, endpoints["vault"].Target);
        Assert.All(endpoints.Values, e => Assert.Equal($"{ArmSnapshot.Id(vnet)}/subnets/snet-private-endpoints", e.Subnet));
        foreach (var (group, endpoint) in endpoints)
        {
            var zone = (string)endpoint.ZoneGroup["properties"]!["privateDnsZoneConfigs"]!.AsArray().Single()!["properties"]!["privateDnsZoneId"]!;
            Assert.Contains(ZoneByGroup[group], zone, StringComparison.Ordinal);
        }

        Assert.Equal(4, snapshot.OfType("Microsoft.Network/privateDnsZones").Count());
        Assert.Equal(4, links.Count);
        Assert.All(links, l => Assert.Equal(ArmSnapshot.Id(vnet), (string?)l["properties"]!["virtualNetwork"]!["id"]));
        Assert.All(links, l => Assert.False((bool)l["properties"]!["registrationEnabled"]!));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PublicNetworkAccess_VnetEnabled_DisabledOnStorageAndVault(bool deployerRolesEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(VnetEnabled: true, deployerRolesEnabled));

        // Act
        var storage = snapshot.Resource("Microsoft.Storage/storageAccounts")["properties"]!;
        var vault = snapshot.Resource("Microsoft.KeyVault/vaults")["properties"]!;

        // Assert
        Assert.Equal("Disabled", (string?)storage["publicNetworkAccess"]);
        Assert.Equal("Deny", (string?)storage["networkAcls"]!["defaultAction"]);
        Assert.Equal("None", (string?)storage["networkAcls"]!["bypass"]);
        Assert.Equal("Disabled", (string?)vault["publicNetworkAccess"]);
        Assert.Equal("Deny", (string?)vault["networkAcls"]!["defaultAction"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FunctionApp_VnetEnabled_IntegratesWithTheDelegatedAppSubnetAndRoutesAllTraffic(bool deployerRolesEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(VnetEnabled: true, deployerRolesEnabled));
        var vnet = snapshot.Resource("Microsoft.Network/virtualNetworks");
        var app = snapshot.Resource(ArmSnapshot.FunctionAppType)["properties"]!;

        // Act
        var appSubnet = vnet["properties"]!["subnets"]!.AsArray().Select(s => s!.AsObject()).Single(s => (string?)s["name"] == "snet-app");
        var delegations = appSubnet["properties"]!["delegations"]!.AsArray().Select(d => (string?)d!["properties"]!["serviceName"]);

        // Assert: Flex Consumption integrates through a subnet delegated to Container Apps environments.
        Assert.Equal($"{ArmSnapshot.Id(vnet)}/subnets/snet-app", (string?)app["virtualNetworkSubnetId"]);
        Assert.Equal(["Microsoft.App/environments"], delegations);
        Assert.True((bool)app["siteConfig"]!["vnetRouteAllEnabled"]!);
        Assert.True((bool)app["outboundVnetRouting"]!["allTraffic"]!);
        Assert.Equal("Enabled", (string?)app["publicNetworkAccess"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Network_VnetDisabled_NoNetworkResourcesAndPublicEndpointsWithEntraOnly(bool deployerRolesEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(VnetEnabled: false, deployerRolesEnabled));

        // Act
        var network = snapshot.Resources.Where(r => ((string)r["type"]!).StartsWith("Microsoft.Network/", StringComparison.Ordinal)).ToList();
        var app = snapshot.Resource(ArmSnapshot.FunctionAppType)["properties"]!;

        // Assert
        Assert.Empty(network);
        Assert.Null(app["virtualNetworkSubnetId"]);
        Assert.Null(app["outboundVnetRouting"]);
        Assert.False((bool)app["siteConfig"]!["vnetRouteAllEnabled"]!);
        Assert.Equal("Enabled", (string?)snapshot.Resource("Microsoft.Storage/storageAccounts")["properties"]!["publicNetworkAccess"]);
        Assert.Equal("Enabled", (string?)snapshot.Resource("Microsoft.KeyVault/vaults")["properties"]!["publicNetworkAccess"]);
    }

    [Fact]
    public void Parameters_VnetEnabled_DefaultsToOff()
    {
        // Arrange
        var parameters = infra.Template["parameters"]!.AsObject();

        // Act
        var vnetEnabled = parameters["vnetEnabled"]!;
        var deployerRolesEnabled = parameters["deployerRolesEnabled"]!;

        // Assert: as the quickstart, a plain deployment is public (with Entra-only access); privacy is opted into.
        Assert.False((bool)vnetEnabled["defaultValue"]!);
        Assert.False((bool)deployerRolesEnabled["defaultValue"]!);
        Assert.IsType<JsonObject>(vnetEnabled["metadata"]);
    }
}
