using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace CohortFunctions.IntegrationTests.Hosting;

/// <summary>A missing or wrong required setting stops the app at start, naming the setting, instead of failing a request later.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task Start_NoStorageConnection_ThrowsNamingTheSetting()
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(o => o.Remove(TestAppBuilder.ConnectionStringKey)));

        // Assert
        Assert.Contains("Storage__ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BothStorageConnectionAndUri_Throws()
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(o => o
            .UseUnreachableStorage()
            .Set(TestAppBuilder.TableServiceUriKey, "https://account.table.core.windows.net")));

        // Assert
        Assert.Contains("Storage__TableServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NoPartner_ThrowsNamingTheSetting()
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(o => o.UseUnreachableStorage().Remove("Partners")));

        // Assert
        Assert.Contains("Partners__", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PartnerWithoutApiKey_Throws()
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(o => o.UseUnreachableStorage().Remove("Partners:mixpanel:ApiKeys")));

        // Assert
        Assert.Contains("Partners__mixpanel__ApiKeys", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("31")]
    [InlineData("-1")]
    public async Task Start_CacheSecondsOutOfRange_Throws(string seconds)
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(o => o.UseUnreachableStorage().Set("ImportKeys:CacheSeconds", seconds)));

        // Assert
        Assert.Contains("CacheSeconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadTablePrefix_Throws()
    {
        // Act
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(o => o.UseUnreachableStorage().Set(TestAppBuilder.TablePrefixKey, "1-bad")));

        // Assert
        Assert.Contains("Storage__TablePrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AllRequiredSettings_Starts()
    {
        // Act
        await using var app = await TestApp.StartAsync(o => o.UseUnreachableStorage());

        // Assert: the control for the tests above — the defaults they remove from are enough to start.
        Assert.NotNull(app.BaseAddress);
    }
}
