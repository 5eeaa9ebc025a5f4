using System.Text.Json;
using CohortFunctions.CohortSync.Import;
using CohortFunctions.Users;

namespace CohortFunctions.CohortSyncTests.Import;

public sealed class ImportBatcherTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task BatchAsync_UsersAndMalformedLines_TileTheFileInBatchesTheAppParses()
    {
        // Arrange: 2,500 lines after the header; line 5 is blank, line 7 an empty quoted value (no identifier).
        var csv = TestImport.Csv(2500, line => line switch { 5 => "", 7 => "\"\"", _ => null });

        // Act
        var batches = await Batch(csv, batchSize: 1000);

        // Assert: lines 2-1003 hold 1,000 users, the blank line 5 and the malformed line 7; the batches follow on.
        Assert.Equal([(2L, 1003L, 1000), (1004L, 2003L, 1000), (2004L, 2501L, 498)], batches.Select(b => (b.FirstLine, b.LastLine, b.Users)));
        Assert.Equal([7L], batches.SelectMany(b => b.Malformed).Select(m => m.Line));
        foreach (var batch in batches)
        {
            using var body = JsonDocument.Parse(batch.Body);
            var parsed = UpsertUsersRequest.Parse(body.RootElement);
            Assert.Null(parsed.Failure);
            Assert.Equal(batch.Users, parsed.Value!.Count);
            Assert.All(parsed.Value, u => Assert.Null(u.Error));
            Assert.Equal(batch.EntryLines.Select(TestImport.Id), parsed.Value.Select(u => u.Value!.ExternalId));
        }
    }

    [Fact]
    public async Task BatchAsync_LargeUsers_SplitsRequestsUnderTheAppsBodyLimit()
    {
        // Arrange: 1,000 users of ~7 KB each (100 device ids of 64 characters): 7 MB, over the app's 4 MiB.
        var devices = string.Join(',', Enumerable.Range(0, 100).Select(i => $"\"{new string('d', 60)}{i:D4}\""));
        var ndjson = string.Concat(Enumerable.Range(1, 1000).Select(i => $"{{\"id\":\"u{i}\",\"devices\":[{devices}]}}\n"));
        var path = _directory.Write("users.ndjson", ndjson);

        // Act
        var batches = await Batch(path, UserFileFormat.Ndjson, "external_id:id,device_id:devices", batchSize: 1000);

        // Assert
        Assert.True(batches.Count >= 2);
        Assert.All(batches, b => Assert.InRange(b.Body.Length, 1, ImportBatcher.MaxRequestBytes));
        Assert.Equal(1000, batches.Sum(b => b.Users));
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), batches.SelectMany(b => b.EntryLines));
    }

    [Fact]
    public async Task BatchAsync_OnlyMalformedLines_MakesBatchesWithoutABody()
    {
        // Arrange
        var csv = "external_id\n\"a\n\"b\n";

        // Act
        var batch = Assert.Single(await Batch(csv, batchSize: 1000));

        // Assert
        Assert.Equal((2L, 3L, 0, 0), (batch.FirstLine, batch.LastLine, batch.Users, batch.Body.Length));
        Assert.Equal(2, batch.Malformed.Count);
    }

    private async Task<List<ImportBatch>> Batch(string csv, int batchSize) =>
        await Batch(_directory.Write("users.csv", csv), UserFileFormat.Csv, "external_id", batchSize);

    private static async Task<List<ImportBatch>> Batch(string path, UserFileFormat format, string mapping, int batchSize)
    {
        await using var reader = await UserFileReader.OpenAsync(path, format, UserMapping.Parse(mapping), CancellationToken.None);
        var batches = new List<ImportBatch>();
        await foreach (var batch in new ImportBatcher(batchSize).BatchAsync(reader, _ => false, CancellationToken.None))
        {
            batches.Add(batch);
        }

        return batches;
    }
}
