using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Security;

/// <summary>
/// Data import keys as an attacker would probe them: unguessable (256 random bits, every one distinct), kept only as
/// hashes (no stored row holds a secret or any 12 characters of one), and dead at once when invalidated.
/// Comparison in constant time is reviewed, not measured: <c>ImportKeySecrets.HashesMatch</c> and
/// <c>Partner.AcceptsApiKey</c> use <c>CryptographicOperations.FixedTimeEquals</c> (see docs/security.md).
/// </summary>
public sealed partial class ImportKeySecurityTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const int KeyCount = 1000;

    private readonly TestApp _app = fixture.App;

    [Fact]
    public async Task CreateKey_1000Keys_AllDistinct64HexCharactersWithEvenlySpreadDigits()
    {
        // Arrange
        var workspaces = Enumerable.Range(0, 10).Select(_ => TestIds.Workspace()).ToArray();
        var keys = new ConcurrentBag<CreatedKey>();

        // Act
        await Parallel.ForEachAsync(Enumerable.Range(0, KeyCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            keys.Add(await _app.Client.CreateKeyAsync(workspaces[i % workspaces.Length], i % 2 == 0 ? "amplitude" : "mixpanel")));

        // Assert
        var secrets = keys.Select(k => k.Secret).ToList();
        Assert.Equal(KeyCount, secrets.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(KeyCount, keys.Select(k => k.KeyId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(secrets, s => Assert.Matches(Hex64(), s));

        // 64,000 hex digits: each of the 16 is expected 4,000 times (standard deviation ~61). A generator with far
        // fewer than 256 bits (digits only, a short seed repeated, a counter) lands far outside 3,600-4,400.
        var counts = secrets.SelectMany(s => s).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(16, counts.Count);
        Assert.All(counts, c => Assert.InRange(c.Value, 3600, 4400));
    }

    [Fact]
    public async Task StoredKeys_NoRowOfAnyTable_HoldsASecretOrAnyTwelveCharactersOfOne()
    {
        // Arrange: keys of both partners, one used (last use written), one invalidated.
        var workspace = TestIds.Workspace();
        var keys = new List<CreatedKey>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add(await _app.Client.CreateKeyAsync(workspace, "amplitude"));
            keys.Add(await _app.Client.CreateKeyAsync(workspace, "mixpanel"));
        }

        var api = await CohortApi.StartAsync(_app, "amplitude", workspace);
        await api.CreateUsersAsync("ada");
        await api.SendChangesAsync("c1", TestChange.Add("ada"), TestChange.Add("nobody"));
        await _app.Client.InvalidateKeyAsync(workspace, "amplitude", keys[0].KeyId);
        string[] secrets = [.. keys.Select(k => k.Secret), api.Secret];

        // Act
        var rows = await TableRows.CaptureAsync(_app);

        // Assert
        var keyRows = rows.Rows.Values.Where(r => r.Table.EndsWith("importkeys", StringComparison.Ordinal)).ToList();
        Assert.True(keyRows.Count >= 2 * secrets.Length, $"Expected a lookup and a listing row per key, found {keyRows.Count} rows.");
        foreach (var row in rows.Rows.Values)
        {
            var stored = string.Join("\n", [row.PartitionKey, row.RowKey, .. row.Properties.Select(p => $"{p.Key}={p.Value}")]);
            foreach (var secret in secrets)
            {
                // 12 hex characters: half a secret would show, a chance match with a hash (1 in 16^12) would not.
                for (var start = 0; start + 12 <= secret.Length; start++)
                {
                    Assert.False(
                        stored.Contains(secret.Substring(start, 12), StringComparison.OrdinalIgnoreCase),
                        $"Row {row.Key} holds characters {start}-{start + 11} of a data import key.");
                }

                Assert.DoesNotContain(Convert.ToBase64String(Convert.FromHexString(secret)), stored, StringComparison.Ordinal);
            }
        }

        foreach (var key in keys)
        {
            Assert.Equal(key.Secret[..4], Assert.Single(keyRows, r => r.RowKey == key.KeyId).Properties["KeyHint"]);
        }
    }

    [Theory]
    [InlineData("partners/amplitude/cohorts/users")]
    [InlineData("partners/amplitude/cohorts")]
    public async Task InvalidateKey_UsedAndCachedKey_Returns401InvalidClientSecretAtOnceWhileTheNewKeyWorks(string path)
    {
        // Arrange: the key is resolved (and cached for the default 30 s) by a successful postback.
        var old = await CohortApi.StartAsync(_app);
        await old.CreateUsersAsync("ada");
        await old.SendChangesAsync("c1", TestChange.Add("ada"));
        var replacement = await _app.Client.CreateKeyAsync(old.Workspace, "amplitude");
        var oldKeyId = (await _app.Client.ListKeysAsync(old.Workspace, "amplitude")).Single(k => k.KeyId != replacement.KeyId).KeyId;

        // Act
        await _app.Client.InvalidateKeyAsync(old.Workspace, "amplitude", oldKeyId);
        using var withOld = await PostAsync(path, old.Secret, TestChange.Remove("ada"));
        using var withNew = await PostAsync(path, replacement.Secret, TestChange.Remove("ada"));

        // Assert
        await ManagementApi.ExpectStatusAsync(withOld, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid client secret", await withOld.ReadErrorMessageAsync());
        await ManagementApi.ExpectStatusAsync(withNew, HttpStatusCode.Created);
        Assert.Equal(path.EndsWith("users", StringComparison.Ordinal) ? 0 : 1, await old.MemberCountAsync("c1"));
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string secret, TestChange change)
    {
        var body = new Dictionary<string, object?>
        {
            ["partner_api_key"] = _app.PartnerApiKey("amplitude"),
            ["client_secret"] = secret,
            ["cohort_id"] = "c1",
            ["name"] = "Renamed",
            ["created_at"] = "2021-01-21",
            ["cohort_changes"] = new[] { new { user_ids = change.UserIds, should_remove = change.ShouldRemove } },
        };
        return await _app.Client.PostAsync(new Uri(path, UriKind.Relative), TestJson.Body(body));
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hex64();
}
