using Azure.Data.Tables;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Storage;

namespace CohortFunctions.IntegrationTests.Security;

/// <summary>One stored row: where it is, its ETag (which every write changes), and its properties as text.</summary>
public sealed record StoredRow(string Table, string PartitionKey, string RowKey, string ETag, IReadOnlyDictionary<string, string> Properties)
{
    public string Key => $"{Table} | {PartitionKey} | {RowKey}";
}

/// <summary>
/// Every row of an app's tables, read straight from storage with Azure.Data.Tables: the ground truth for "nothing
/// changed" (any write changes a row's ETag) and for "the secret is stored nowhere".
/// </summary>
public sealed class TableRows
{
    private TableRows(IReadOnlyDictionary<string, StoredRow> rows) => Rows = rows;

    public IReadOnlyDictionary<string, StoredRow> Rows { get; }

    public static async Task<TableRows> CaptureAsync(TestApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var service = new TableServiceClient(app.Setting(TestAppBuilder.ConnectionStringKey));
        var rows = new Dictionary<string, StoredRow>(StringComparer.Ordinal);
        foreach (var table in new TableNames(app.TablePrefix).All)
        {
            await foreach (var entity in service.GetTableClient(table).QueryAsync<TableEntity>())
            {
                var properties = entity
                    .Where(p => p.Key is not ("odata.etag" or "PartitionKey" or "RowKey" or "Timestamp"))
                    .ToDictionary(p => p.Key, p => Render(p.Value), StringComparer.Ordinal);
                var row = new StoredRow(table, entity.PartitionKey, entity.RowKey, entity.ETag.ToString(), properties);
                rows[row.Key] = row;
            }
        }

        return new TableRows(rows);
    }

    /// <summary>The rows added, removed or written since <paramref name="before"/>.</summary>
    public IReadOnlyList<string> ChangesSince(TableRows before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var changes = new List<string>();
        foreach (var (key, row) in Rows)
        {
            if (!before.Rows.TryGetValue(key, out var old))
            {
                changes.Add("added: " + key);
            }
            else if (old.ETag != row.ETag)
            {
                changes.Add("written: " + key);
            }
        }

        changes.AddRange(before.Rows.Keys.Where(k => !Rows.ContainsKey(k)).Select(k => "removed: " + k));
        return changes;
    }

    private static string Render(object? value) => value switch
    {
        null => "",
        byte[] bytes => Convert.ToHexString(bytes) + " " + Convert.ToBase64String(bytes),
        DateTimeOffset time => time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
