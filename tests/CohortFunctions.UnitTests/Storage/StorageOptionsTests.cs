using CohortFunctions.Storage;
using CohortFunctions.UnitTests.TestSupport;
using Microsoft.Extensions.Options;

namespace CohortFunctions.UnitTests.Storage;

public sealed class StorageOptionsTests
{
    private const string ConnectionString = "UseDevelopmentStorage=true";
    private const string ServiceUri = "https://account.table.core.windows.net";

    [Fact]
    public void Validate_ConnectionStringOnly_Binds()
    {
        // Act
        var options = ComposedOptions.Get<StorageOptions>(Settings(("Storage:ConnectionString", ConnectionString)));

        // Assert
        Assert.Equal(ConnectionString, options.ConnectionString);
        Assert.Null(options.TableServiceUri);
    }

    [Fact]
    public void Validate_TableServiceUriOnly_Binds()
    {
        // Act
        var options = ComposedOptions.Get<StorageOptions>(Settings(("Storage:TableServiceUri", ServiceUri)));

        // Assert
        Assert.Equal(new Uri(ServiceUri), options.TableServiceUri);
    }

    [Fact]
    public void Validate_Neither_FailsNamingBothSettings()
    {
        // Act
        var error = Assert.Throws<OptionsValidationException>(() => ComposedOptions.Get<StorageOptions>(Settings()));

        // Assert
        Assert.Contains("Storage__ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage__TableServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Both_Fails()
    {
        // Act
        var error = Assert.Throws<OptionsValidationException>(() => ComposedOptions.Get<StorageOptions>(
            Settings(("Storage:ConnectionString", ConnectionString), ("Storage:TableServiceUri", ServiceUri))));

        // Assert
        Assert.Contains("exactly one", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhitespaceConnectionString_CountsAsMissing()
    {
        // Act & Assert
        Assert.Throws<OptionsValidationException>(() => ComposedOptions.Get<StorageOptions>(Settings(("Storage:ConnectionString", "  "))));
    }

    [Fact]
    public void Validate_RelativeTableServiceUri_Fails()
    {
        // Act
        var error = Assert.Throws<OptionsValidationException>(() => ComposedOptions.Get<StorageOptions>(
            Settings(("Storage:TableServiceUri", "account.table.core.windows.net"))));

        // Assert
        Assert.Contains("absolute", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("t1")]
    [InlineData("CohortTests")]
    [InlineData("t23456789012345678901234567890")]
    public void Validate_GoodTablePrefix_Binds(string prefix)
    {
        // Act
        var options = ComposedOptions.Get<StorageOptions>(Settings(("Storage:ConnectionString", ConnectionString), ("Storage:TablePrefix", prefix)));

        // Assert
        Assert.Equal(prefix, options.TablePrefix);
    }

    [Theory]
    [InlineData("1t")]
    [InlineData("t-1")]
    [InlineData("t_1")]
    [InlineData("t234567890123456789012345678901")]
    public void Validate_BadTablePrefix_Fails(string prefix)
    {
        // Act
        var error = Assert.Throws<OptionsValidationException>(() => ComposedOptions.Get<StorageOptions>(
            Settings(("Storage:ConnectionString", ConnectionString), ("Storage:TablePrefix", prefix))));

        // Assert
        Assert.Contains("Storage__TablePrefix", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Storage:MaxRetries", "11")]
    [InlineData("Storage:MaxRetries", "-1")]
    [InlineData("Storage:NetworkTimeoutSeconds", "0")]
    [InlineData("Storage:NetworkTimeoutSeconds", "121")]
    public void Validate_OutOfRangeNumber_Fails(string key, string value)
    {
        // Act & Assert
        Assert.Throws<OptionsValidationException>(() => ComposedOptions.Get<StorageOptions>(
            Settings(("Storage:ConnectionString", ConnectionString), (key, value))));
    }

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] settings) =>
        settings.ToDictionary(s => s.Key, s => s.Value);
}
