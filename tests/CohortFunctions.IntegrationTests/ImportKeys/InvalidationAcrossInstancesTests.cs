using System.Diagnostics;
using CohortFunctions.ImportKeys;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.ImportKeys;

/// <summary>
/// An invalidated key stops working at once on the instance that invalidated it, and within
/// <c>ImportKeys__CacheSeconds</c> on every other instance: two apps here share one set of tables as two instances do.
/// </summary>
public sealed class InvalidationAcrossInstancesTests
{
    private const string Partner = "amplitude";

    [Fact]
    public async Task ResolveAsync_InvalidatedOnSameInstance_InvalidatedAtOnce()
    {
        // Arrange: the default cache (30 s) would keep a stale answer if invalidation did not evict it.
        await using var app = await TestApp.StartAsync();
        var workspace = TestIds.Workspace();
        var key = await app.Client.CreateKeyAsync(workspace, Partner);
        var resolver = app.GetRequiredService<ImportKeyResolver>();
        Assert.Equal(ImportKeyStatus.Valid, (await resolver.ResolveAsync(key.Secret, Partner, CancellationToken.None)).Status);

        // Act
        await app.Client.InvalidateKeyAsync(workspace, Partner, key.KeyId);
        var after = await resolver.ResolveAsync(key.Secret, Partner, CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Invalidated, after.Status);
    }

    [Fact]
    public async Task ResolveAsync_InvalidatedOnOtherInstance_StillValidThereWhileCached()
    {
        // Arrange: the bounded staleness is the price of one storage read per key per CacheSeconds; this pins that
        // the cache is really used, so the next test's bound means something.
        await using var a = await TestApp.StartAsync(o => o.Set("ImportKeys:CacheSeconds", "30"));
        await using var b = await TestApp.StartAsync(o => o.ShareTablesWith(a).Set("ImportKeys:CacheSeconds", "30"));
        var workspace = TestIds.Workspace();
        var key = await a.Client.CreateKeyAsync(workspace, Partner);
        var resolverB = b.GetRequiredService<ImportKeyResolver>();
        Assert.Equal(ImportKeyStatus.Valid, (await resolverB.ResolveAsync(key.Secret, Partner, CancellationToken.None)).Status);

        // Act
        await a.Client.InvalidateKeyAsync(workspace, Partner, key.KeyId);
        var onA = await a.GetRequiredService<ImportKeyResolver>().ResolveAsync(key.Secret, Partner, CancellationToken.None);
        var onB = await resolverB.ResolveAsync(key.Secret, Partner, CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Invalidated, onA.Status);
        Assert.Equal(ImportKeyStatus.Valid, onB.Status);
    }

    [Fact]
    public async Task ResolveAsync_InvalidatedOnOtherInstance_InvalidatedThereWithinCacheSeconds()
    {
        // Arrange
        await using var a = await TestApp.StartAsync(o => o.Set("ImportKeys:CacheSeconds", "1"));
        await using var b = await TestApp.StartAsync(o => o.ShareTablesWith(a).Set("ImportKeys:CacheSeconds", "1"));
        var workspace = TestIds.Workspace();
        var key = await a.Client.CreateKeyAsync(workspace, Partner);
        var resolverB = b.GetRequiredService<ImportKeyResolver>();
        Assert.Equal(ImportKeyStatus.Valid, (await resolverB.ResolveAsync(key.Secret, Partner, CancellationToken.None)).Status);

        // Act
        await a.Client.InvalidateKeyAsync(workspace, Partner, key.KeyId);
        var immediately = await resolverB.ResolveAsync(key.Secret, Partner, CancellationToken.None);
        var eventually = await PollAsync(
            () => resolverB.ResolveAsync(key.Secret, Partner, CancellationToken.None),
            r => r.Status != ImportKeyStatus.Valid,
            TimeSpan.FromSeconds(10));

        // Assert: right after, B may still answer from its cache; well before the default 30 s it must not.
        Assert.Contains(immediately.Status, new[] { ImportKeyStatus.Valid, ImportKeyStatus.Invalidated });
        Assert.Equal(ImportKeyStatus.Invalidated, eventually.Status);
    }

    [Fact]
    public async Task ResolveAsync_CacheDisabledOnOtherInstance_InvalidatedThereAtOnce()
    {
        // Arrange
        await using var a = await TestApp.StartAsync();
        await using var b = await TestApp.StartAsync(o => o.ShareTablesWith(a).Set("ImportKeys:CacheSeconds", "0"));
        var workspace = TestIds.Workspace();
        var key = await a.Client.CreateKeyAsync(workspace, Partner);
        var resolverB = b.GetRequiredService<ImportKeyResolver>();
        Assert.Equal(ImportKeyStatus.Valid, (await resolverB.ResolveAsync(key.Secret, Partner, CancellationToken.None)).Status);

        // Act
        await a.Client.InvalidateKeyAsync(workspace, Partner, key.KeyId);
        var onB = await resolverB.ResolveAsync(key.Secret, Partner, CancellationToken.None);

        // Assert
        Assert.Equal(ImportKeyStatus.Invalidated, onB.Status);
    }

    /// <summary>Calls <paramref name="probe"/> until <paramref name="done"/> or the deadline; returns the last answer.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var answer = await probe();
            if (done(answer) || clock.Elapsed > deadline)
            {
                return answer;
            }

            await Task.Delay(100);
        }
    }
}
