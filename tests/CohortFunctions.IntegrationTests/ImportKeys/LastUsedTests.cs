using CohortFunctions.ImportKeys;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.IntegrationTests.ImportKeys;

/// <summary>last_used_at reaches storage at most once per <c>ImportKeys__LastUsedWriteIntervalSeconds</c> per instance, not on every postback.</summary>
public sealed class LastUsedTests
{
    [Fact]
    public async Task ResolveAsync_RepeatedUse_LastUsedAtWrittenOncePerInterval()
    {
        // Arrange
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero));
        await using var app = await TestApp.StartAsync(o => o.UseTime(time).Set("ImportKeys:LastUsedWriteIntervalSeconds", "300"));
        var workspace = TestIds.Workspace();
        var key = await app.Client.CreateKeyAsync(workspace, "amplitude");
        var resolver = app.GetRequiredService<ImportKeyResolver>();
        var firstUse = time.GetUtcNow();

        // Act
        await resolver.ResolveAsync(key.Secret, "amplitude", CancellationToken.None);
        var afterFirst = await LastUsedAsync(app, workspace);
        time.Advance(TimeSpan.FromSeconds(299));
        await resolver.ResolveAsync(key.Secret, "amplitude", CancellationToken.None);
        var withinInterval = await LastUsedAsync(app, workspace);
        time.Advance(TimeSpan.FromSeconds(1));
        await resolver.ResolveAsync(key.Secret, "amplitude", CancellationToken.None);
        var afterInterval = await LastUsedAsync(app, workspace);

        // Assert
        Assert.Equal(firstUse, afterFirst);
        Assert.Equal(firstUse, withinInterval);
        Assert.Equal(firstUse.AddSeconds(300), afterInterval);
    }

    private static async Task<DateTimeOffset?> LastUsedAsync(TestApp app, string workspace) =>
        (await app.Client.ListKeysAsync(workspace, "amplitude")).Single().LastUsedAt;
}
