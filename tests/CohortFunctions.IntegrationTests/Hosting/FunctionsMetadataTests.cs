using System.Reflection;
using System.Text.Json;
using CohortFunctions.App.Hosting;
using CohortFunctions.IntegrationTests.Infrastructure;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.IntegrationTests.Hosting;

/// <summary>
/// The guard that Azure sees the same app the local host serves: the build's <c>functions.metadata</c> (what the
/// Functions host loads) declares every function with the trigger, route, methods, auth level and schedule that
/// <see cref="FunctionCatalog.App"/> reads from the attributes.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly string[] ReservedPrefixes = ["admin/", "runtime/"];

    private static readonly string[] ServedTriggers = ["httpTrigger", "timerTrigger"];

    private static readonly Lazy<List<MetadataFunction>> Metadata = new(Load);

    [Fact]
    public void Metadata_Functions_SameNamesAsCatalog()
    {
        // Arrange
        var catalog = FunctionCatalog.App.Http.Select(f => f.Name).Concat(FunctionCatalog.App.Timers.Select(f => f.Name));

        // Act
        var declared = Metadata.Value.Select(f => f.Name);

        // Assert
        Assert.Equal(catalog.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Metadata_HttpFunctions_MatchCatalogRouteMethodsAuthAndEntryPoint()
    {
        foreach (var function in FunctionCatalog.App.Http)
        {
            // Arrange
            var declared = Metadata.Value.Single(f => f.Name == function.Name);

            // Act
            var trigger = Assert.Single(declared.Bindings, b => b.Type == "httpTrigger");

            // Assert
            Assert.Equal(function.Route, trigger.Route);
            Assert.Equal(function.Methods.Select(m => m.ToUpperInvariant()).Order(), trigger.Methods.Select(m => m.ToUpperInvariant()).Order());
            Assert.Equal(function.AuthLevel.ToString(), trigger.AuthLevel, ignoreCase: true);
            Assert.Equal($"{function.Type.FullName}.{function.Method.Name}", declared.EntryPoint);
            Assert.Equal(function.Type.Assembly.GetName().Name + ".dll", declared.ScriptFile);
        }
    }

    [Fact]
    public void Metadata_TimerFunctions_MatchCatalogSchedule()
    {
        foreach (var function in FunctionCatalog.App.Timers)
        {
            // Arrange
            var declared = Metadata.Value.Single(f => f.Name == function.Name);

            // Act
            var trigger = Assert.Single(declared.Bindings, b => b.Type == "timerTrigger");

            // Assert
            Assert.Equal(function.Schedule, trigger.Schedule);
            Assert.Equal(function.RunOnStartup, trigger.RunOnStartup);
            Assert.Equal($"{function.Type.FullName}.{function.Method.Name}", declared.EntryPoint);
        }
    }

    [Fact]
    public void Metadata_EveryFunction_HasExactlyOneKnownTrigger()
    {
        foreach (var function in Metadata.Value)
        {
            // Act
            var triggers = function.Bindings.Where(b => b.Type.EndsWith("Trigger", StringComparison.Ordinal)).ToList();

            // Assert: a trigger the catalog does not read (queue, blob...) would be served by Azure but not by the local host.
            var trigger = Assert.Single(triggers);
            Assert.Contains(trigger.Type, ServedTriggers);
        }
    }

    [Fact]
    public void Metadata_Routes_NoneUnderHostReservedPrefixes()
    {
        foreach (var trigger in Metadata.Value.SelectMany(f => f.Bindings).Where(b => b.Type == "httpTrigger"))
        {
            // Assert
            Assert.DoesNotContain(ReservedPrefixes, prefix => trigger.Route!.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Catalog_Routes_ManagementUnderManageWithFunctionKeyEverythingElseAnonymous()
    {
        foreach (var function in FunctionCatalog.App.Http)
        {
            // Act
            var isManagement = function.Route.StartsWith("manage/", StringComparison.Ordinal);

            // Assert
            Assert.DoesNotContain(ReservedPrefixes, prefix => function.Route.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
            Assert.True(
                function.AuthLevel == (isManagement ? AuthorizationLevel.Function : AuthorizationLevel.Anonymous),
                $"{function.Name} ({function.Route}) has auth level {function.AuthLevel}.");
        }
    }

    [Fact]
    public void HostJson_RoutePrefix_Empty()
    {
        // Arrange: the routes above are only where they say if the host adds no "api/" prefix.
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "host.json")));

        // Act
        var prefix = hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();

        // Assert
        Assert.Equal("", prefix);
    }

    private static List<MetadataFunction> Load()
    {
        var path = Locate();
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var functions = document.RootElement.EnumerateArray().Select(f => new MetadataFunction(
            f.GetProperty("name").GetString()!,
            f.GetProperty("scriptFile").GetString()!,
            f.GetProperty("entryPoint").GetString()!,
            [.. f.GetProperty("bindings").EnumerateArray().Select(b => new MetadataBinding(
                b.GetProperty("type").GetString()!,
                b.TryGetProperty("route", out var route) ? route.GetString() : null,
                b.TryGetProperty("methods", out var methods) ? [.. methods.EnumerateArray().Select(m => m.GetString()!)] : [],
                b.TryGetProperty("authLevel", out var auth) ? auth.GetString() : null,
                b.TryGetProperty("schedule", out var schedule) ? schedule.GetString() : null,
                b.TryGetProperty("runOnStartup", out var startup) && startup.GetBoolean()))])).ToList();
        Assert.NotEmpty(functions);
        return functions;
    }

    /// <summary>
    /// The metadata is copied next to the test binaries with the Functions project's output; if a build layout ever
    /// stops doing that, read it from the Functions project's own output of the same configuration.
    /// </summary>
    private static string Locate()
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        if (File.Exists(copied))
        {
            return copied;
        }

        var configuration = typeof(FunctionsMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var framework = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var built = Path.Combine(RepositoryRoot.Path, "src", "CohortFunctions.Functions", "bin", configuration, framework, "functions.metadata");
        return File.Exists(built)
            ? built
            : throw new FileNotFoundException($"functions.metadata was neither next to the tests ({copied}) nor in the Functions build output ({built}). Build the solution first.", built);
    }

    private sealed record MetadataFunction(string Name, string ScriptFile, string EntryPoint, IReadOnlyList<MetadataBinding> Bindings);

    private sealed record MetadataBinding(string Type, string? Route, IReadOnlyList<string> Methods, string? AuthLevel, string? Schedule, bool RunOnStartup);
}
