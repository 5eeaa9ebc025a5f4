using System.Text.RegularExpressions;
using CohortFunctions.InfraTests.Bicep;

namespace CohortFunctions.InfraTests;

/// <summary>docs/operations.md says what the alerts and the workbook run: every query file word for word, every
/// instrument of the metric contract, a section for every alert.</summary>
[Collection(InfraTestGroup.Name)]
public sealed partial class OperationsDocsTests(InfraFixture infra)
{
    private string Page => File.ReadAllText(Path.Combine(infra.RepositoryRoot, "docs", "operations.md"));

    [Fact]
    public void Queries_EveryFile_IsQuotedVerbatim()
    {
        // Arrange
        var blocks = KustoBlock().Matches(Page).Select(m => m.Groups["query"].Value).ToHashSet(StringComparer.Ordinal);
        var files = Directory.GetFiles(Path.Combine(infra.InfraDirectory, "monitoring"), "*.kql", SearchOption.AllDirectories);

        // Act
        var missing = files.Where(f => !blocks.Contains(File.ReadAllText(f).TrimEnd('\n'))).Select(Path.GetFileName).ToList();

        // Assert
        Assert.NotEmpty(files);
        Assert.Empty(missing);
    }

    [Fact]
    public void MetricContract_EveryInstrument_IsARowOfTheContractTable()
    {
        // Act
        var rows = ContractRow().Matches(Page).Select(m => m.Groups["name"].Value).ToList();

        // Assert
        Assert.Equal(MetricContract.Instruments.Order(StringComparer.Ordinal), rows.Order(StringComparer.Ordinal));
        Assert.Contains($"**`{MetricContract.MeterName}`**", Page, StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_EveryDeployedAlert_HasASectionSayingWhatToDo()
    {
        // Arrange
        var snapshot = infra.DevSnapshot;
        var alerts = snapshot.OfType("Microsoft.Insights/scheduledQueryRules").Concat(snapshot.OfType("Microsoft.Insights/metricAlerts"))
            .Select(a => Regex.Replace(ArmSnapshot.Name(a), "-dev-[a-z0-9]+$", ""))
            .ToList();

        // Act
        var undocumented = alerts.Where(a => !Page.Contains($"### {a}: ", StringComparison.Ordinal) || !Page.Contains($"| `{a}` |", StringComparison.Ordinal)).ToList();

        // Assert
        Assert.Equal(7, alerts.Count);
        Assert.Empty(undocumented);
    }

    [GeneratedRegex(@"^```kusto\n(?<query>.*?)\n```$", RegexOptions.Singleline | RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex KustoBlock();

    [GeneratedRegex(@"^\| `(?<name>cohortfunctions\.[a-z_.]+)` \|", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ContractRow();
}
