using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CohortFunctions.InfraTests.Bicep;

namespace CohortFunctions.InfraTests;

/// <summary>Alerts, the availability test, diagnostic settings and the workbook, under every option.</summary>
[Collection(InfraTestGroup.Name)]
public sealed partial class MonitoringTests(InfraFixture infra)
{
    private static readonly string[] LogAlerts =
        ["background-runs-failed", "cohorts-stale", "function-failures", "postback-5xx-rate", "postbacks-unauthorized", "resync-cut-short"];

    [Theory]
    [MemberData(nameof(DeploymentOptions.All), MemberType = typeof(DeploymentOptions))]
    public void Alerts_EachOption_EveryAlertPresentAndSentToTheActionGroup(bool vnetEnabled, bool deployerRolesEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(vnetEnabled, deployerRolesEnabled));
        var actionGroup = snapshot.Resource("Microsoft.Insights/actionGroups");
        var insights = ArmSnapshot.Id(snapshot.Resource("Microsoft.Insights/components"));

        // Act
        var rules = snapshot.OfType("Microsoft.Insights/scheduledQueryRules").ToList();
        var names = rules.Select(r => Regex.Replace(ArmSnapshot.Name(r), "-ci-[a-z0-9]+$", "")).Order(StringComparer.Ordinal);
        var email = actionGroup["properties"]!["emailReceivers"]!.AsArray().Single()!;

        // Assert
        Assert.Equal(LogAlerts, names);
        Assert.Equal(DeploymentOptions.AlertEmailAddress, (string?)email["emailAddress"]);
        Assert.All(rules, r => Assert.Equal([insights], r["properties"]!["scopes"]!.AsArray().Select(s => (string?)s)));
        Assert.All(rules, r => Assert.Equal([ArmSnapshot.Id(actionGroup)], r["properties"]!["actions"]!["actionGroups"]!.AsArray().Select(s => (string?)s)));
        Assert.All(rules, r => Assert.True((bool)r["properties"]!["enabled"]!));
    }

    [Fact]
    public void HealthAlert_DevTemplate_StandardTestOfHealthFromSeveralLocations()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var app = ArmSnapshot.Name(snapshot.Resource(ArmSnapshot.FunctionAppType));
        var test = snapshot.Resource("Microsoft.Insights/webtests");
        var alert = snapshot.Resource("Microsoft.Insights/metricAlerts");

        // Act
        var url = DeploymentStandIns.Evaluate((string)test["properties"]!["Request"]!["RequestUrl"]!);
        var criteria = alert["properties"]!["criteria"]!;

        // Assert
        Assert.Equal("standard", (string?)test["kind"]);
        Assert.Equal($"https://{app}.azurewebsites.net/health", url);
        Assert.Equal(200, (int)test["properties"]!["ValidationRules"]!["ExpectedHttpStatusCode"]!);
        Assert.True(test["properties"]!["Locations"]!.AsArray().Count >= 3);
        Assert.Contains(test["tags"]!.AsObject(), t => t.Key == $"hidden-link:{ArmSnapshot.Id(snapshot.Resource("Microsoft.Insights/components"))}");
        Assert.Equal("Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria", (string?)criteria["odata.type"]);
        Assert.Equal(ArmSnapshot.Id(test), (string?)criteria["webTestId"]);
        Assert.Equal(ArmSnapshot.Id(snapshot.Resource("Microsoft.Insights/actionGroups")), (string?)alert["properties"]!["actions"]![0]!["actionGroupId"]);
    }

    [Fact]
    public void AlertQueries_DevTemplate_AreTheCommittedQueryFilesWithTheirThresholds()
    {
        // Arrange
        var rules = infra.DevSnapshot.OfType("Microsoft.Insights/scheduledQueryRules")
            .ToDictionary(r => Regex.Replace(ArmSnapshot.Name(r), "-dev-[a-z0-9]+$", ""), r => r["properties"]!["criteria"]!["allOf"]![0]!, StringComparer.Ordinal);

        // Act
        var files = Directory.GetFiles(Path.Combine(infra.InfraDirectory, "monitoring", "alerts"), "*.kql")
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllText, StringComparer.Ordinal);

        // Assert: the rule runs the file (the 5xx rule with its minimum volume in front), and its measure is a column the query makes.
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), rules.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, criterion) in rules)
        {
            var query = (string)criterion["query"]!;
            Assert.EndsWith(files[name], query, StringComparison.Ordinal);
            Assert.Contains($"{(string)criterion["metricMeasureColumn"]!} = ", query, StringComparison.Ordinal);
        }

        Assert.StartsWith("let minPostbacks = 20;\n", (string)rules["postback-5xx-rate"]["query"]!, StringComparison.Ordinal);
        Assert.Equal(5, (int)rules["postback-5xx-rate"]["threshold"]!);
    }

    [Fact]
    public void Queries_EveryFile_ReadOnlyContractMetricsOrHostTables()
    {
        // Arrange
        var files = Directory.GetFiles(Path.Combine(infra.InfraDirectory, "monitoring"), "*.kql", SearchOption.AllDirectories);

        // Act
        var unknown = files.SelectMany(f => MetricName().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Metric: m.Value)))
            .Where(x => !MetricContract.Instruments.Contains(x.Metric))
            .ToList();
        var tables = files.Select(f => File.ReadAllLines(f)[0].Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

        // Assert
        Assert.Empty(unknown);
        Assert.Equal(["customMetrics", "requests"], tables);
    }

    [Theory]
    [MemberData(nameof(DeploymentOptions.All), MemberType = typeof(DeploymentOptions))]
    public void DiagnosticSettings_EachOption_AppStorageServicesAndVaultToLogAnalytics(bool vnetEnabled, bool deployerRolesEnabled)
    {
        // Arrange
        var snapshot = infra.Snapshot(new DeploymentOptions(vnetEnabled, deployerRolesEnabled));
        var workspace = ArmSnapshot.Id(snapshot.Resource("Microsoft.OperationalInsights/workspaces"));
        var storage = ArmSnapshot.Id(snapshot.Resource("Microsoft.Storage/storageAccounts"));
        var vault = ArmSnapshot.Id(snapshot.Resource("Microsoft.KeyVault/vaults"));
        var app = ArmSnapshot.Id(snapshot.Resource(ArmSnapshot.FunctionAppType));

        // Act
        var settings = snapshot.OfType("Microsoft.Insights/diagnosticSettings")
            .ToDictionary(d => ArmSnapshot.Id(d).Split("/providers/Microsoft.Insights/diagnosticSettings/")[0], d => d["properties"]!, StringComparer.Ordinal);

        // Assert
        Assert.Equal(
            new[] { app, storage, $"{storage}/tableServices/default", $"{storage}/blobServices/default", $"{storage}/queueServices/default", vault }.Order(StringComparer.Ordinal),
            settings.Keys.Order(StringComparer.Ordinal));
        Assert.All(settings.Values, s => Assert.Equal(workspace, (string?)s["workspaceId"]));
        Assert.Equal(["audit"], Logs(settings[vault], "categoryGroup"));
        Assert.Equal(["allLogs"], Logs(settings[app], "categoryGroup"));
        Assert.All(["table", "blob", "queue"], service => Assert.Equal(["StorageWrite", "StorageDelete"], Logs(settings[$"{storage}/{service}Services/default"], "category")));
    }

    [Fact]
    public void Workbook_DevTemplate_ChartsEveryContractMetricWithTheCommittedQueries()
    {
        // Arrange
        var workbook = infra.DevSnapshot.Resource("Microsoft.Insights/workbooks");
        var content = JsonNode.Parse((string)workbook["properties"]!["serializedData"]!)!;

        // Act
        var queries = content["items"]!.AsArray().Select(i => (string?)i!["content"]!["query"]).OfType<string>().ToList();
        var files = Directory.GetFiles(Path.Combine(infra.InfraDirectory, "monitoring", "charts"), "*.kql").Select(File.ReadAllText).ToList();
        var charted = queries.SelectMany(q => MetricName().Matches(q).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Equal(files.Order(StringComparer.Ordinal), queries.Order(StringComparer.Ordinal));
        Assert.All(MetricContract.Instruments, m => Assert.Contains(m, charted));
        Assert.Equal(
            ArmSnapshot.Id(infra.DevSnapshot.Resource("Microsoft.Insights/components")).ToLowerInvariant(),
            (string?)workbook["properties"]!["sourceId"]);
    }

    private static List<string?> Logs(JsonNode settings, string key) =>
        [.. settings["logs"]!.AsArray().Select(l => (string?)l![key])];

    [GeneratedRegex(@"cohortfunctions\.[a-z_.]+[a-z]", RegexOptions.CultureInvariant)]
    private static partial Regex MetricName();
}
