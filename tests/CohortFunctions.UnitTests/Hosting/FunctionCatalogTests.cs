using CohortFunctions.App.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.UnitTests.Hosting;

public sealed class FunctionCatalogTests
{
    private static readonly FunctionCatalog Samples = FunctionCatalog.For(typeof(SampleHttpFunctions).Assembly);

    [Fact]
    public void For_Assembly_FindsOnlyMethodsWithFunctionAttributeOrderedByName()
    {
        // Act
        var http = Samples.Http.Select(f => f.Name);
        var timers = Samples.Timers.Select(f => f.Name);

        // Assert
        Assert.Equal(["SampleDefaults", "SampleGetItem"], http);
        Assert.Equal(["SampleEveryMinute", "SampleFailing", "SampleOnStartup", "SampleYearly"], timers);
    }

    [Fact]
    public void For_HttpTriggerWithRouteAndMethods_ReadsThemUpperCase()
    {
        // Act
        var function = Samples.Http.Single(f => f.Name == "SampleGetItem");

        // Assert
        Assert.Equal("samples/{id}", function.Route);
        Assert.Equal(["GET", "POST"], function.Methods);
        Assert.Equal(AuthorizationLevel.Anonymous, function.AuthLevel);
        Assert.False(function.RequiresKey);
        Assert.Equal(typeof(SampleHttpFunctions), function.Type);
        Assert.Equal(nameof(SampleHttpFunctions.GetItem), function.Method.Name);
    }

    [Fact]
    public void For_HttpTriggerWithoutRouteOrMethods_FunctionNameAndEveryMethod()
    {
        // Act
        var function = Samples.Http.Single(f => f.Name == "SampleDefaults");

        // Assert
        Assert.Equal("SampleDefaults", function.Route);
        Assert.Equal(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"], function.Methods);
        Assert.True(function.RequiresKey);
    }

    [Fact]
    public void For_TimerTrigger_ReadsScheduleAsWrittenAndRunOnStartup()
    {
        // Act
        var everyMinute = Samples.Timers.Single(f => f.Name == "SampleEveryMinute");
        var onStartup = Samples.Timers.Single(f => f.Name == "SampleOnStartup");

        // Assert
        Assert.Equal("%" + SampleTimerFunctions.ScheduleSetting + "%", everyMinute.Schedule);
        Assert.False(everyMinute.RunOnStartup);
        Assert.Equal("0 0 0 * * *", onStartup.Schedule);
        Assert.True(onStartup.RunOnStartup);
        Assert.Equal(typeof(SampleTimerFunctions), onStartup.Type);
    }

    [Fact]
    public void App_Catalog_HasTheAppsHttpFunctions()
    {
        // Act
        var names = FunctionCatalog.App.Http.Select(f => f.Name).ToList();

        // Assert
        string[] foundation = ["ChangeCohortUsers", "CreateImportKey", "Health", "InvalidateImportKey", "ListImportKeys", "NameCohort", "NotFound"];
        Assert.All(foundation, name => Assert.Contains(name, names));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }
}
