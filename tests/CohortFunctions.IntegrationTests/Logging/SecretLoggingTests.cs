using System.Net;
using CohortFunctions.ImportKeys;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Logging;

/// <summary>Secrets (data import keys, partner API keys) never reach a log line: not a message, a value, a scope or an exception.</summary>
public sealed class SecretLoggingTests
{
    [Fact]
    public async Task FullKeyFlow_AllLogs_ContainNoSecret()
    {
        // Arrange
        await using var app = await TestApp.StartAsync(o => o.Set("ImportKeys:LastUsedWriteIntervalSeconds", "1"));
        var workspace = TestIds.Workspace();
        var resolver = app.GetRequiredService<ImportKeyResolver>();

        // Act: everything an operator and a partner do with a key, including the failure paths.
        var key = await app.Client.CreateKeyAsync(workspace, "amplitude");
        await app.Client.ListKeysAsync(workspace, "amplitude");
        var valid = await resolver.ResolveAsync(key.Secret, "amplitude", CancellationToken.None);
        var otherPartner = await resolver.ResolveAsync(key.Secret, "mixpanel", CancellationToken.None);
        var partnerKeyAsSecret = await resolver.ResolveAsync(app.PartnerApiKey("amplitude"), "amplitude", CancellationToken.None);
        await app.Client.InvalidateKeyAsync(workspace, "amplitude", key.KeyId);
        var invalidated = await resolver.ResolveAsync(key.Secret, "amplitude", CancellationToken.None);
        using var badBody = new StringContent("{\"data_import_key\": \"" + key.Secret + "\"", System.Text.Encoding.UTF8, "application/json");
        using var rejected = await app.Client.PostAsync(new Uri(ManageRoutes.Keys(workspace, "amplitude"), UriKind.Relative), badBody);

        // Assert: the flow really ran and was logged, so the absence below means something.
        Assert.Equal(
            [ImportKeyStatus.Valid, ImportKeyStatus.OtherPartner, ImportKeyStatus.Unknown, ImportKeyStatus.Invalidated],
            [valid.Status, otherPartner.Status, partnerKeyAsSecret.Status, invalidated.Status]);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        var entries = app.Logs.Entries;
        Assert.Contains(entries, e => e.AllText().Contains(key.KeyId, StringComparison.Ordinal));
        string[] secrets = [key.Secret, app.PartnerApiKey("amplitude"), app.PartnerApiKey("mixpanel")];
        foreach (var entry in entries)
        {
            var text = entry.AllText();
            foreach (var secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A secret was logged by {entry.Category}: {entry.Message}");
            }
        }
    }
}
