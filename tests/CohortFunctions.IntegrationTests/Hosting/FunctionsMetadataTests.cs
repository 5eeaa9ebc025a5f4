using System.Reflection;
using System.Text.Json;
using CohortFunctions.App.Functions;
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

    private static readonly Lazy<List<MetadataFunction>> Metadata = new(Load);

    /// <summary>The functions the build's <c>functions.metadata</c> declares (also read by the OpenAPI tests).</summary>
    internal static IReadOnlyList<MetadataFunction> Declared => Metadata.Value;

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
    public void Metadata_EveryFunction_TriggerMatchesCatalog()
    {
        foreach (var declared in Metadata.Value)
        {
            // Act: a trigger the catalog does not read (queue, blob...) would run in Azure but not on the local host.
            var trigger = Assert.Single(declared.Bindings, b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));

            // Assert
            switch (trigger.Type)
            {
                case "httpTrigger":
                    var http = Assert.Single(FunctionCatalog.App.Http, f => f.Name == declared.Name);
                    Assert.Equal(http.Route, trigger.Route);
                    Assert.Equal(http.Methods.Select(m => m.ToUpperInvariant()).Order(), trigger.Methods.Select(m => m.ToUpperInvariant()).Order());
                    Assert.Equal(http.AuthLevel.ToString(), trigger.AuthLevel, ignoreCase: true);
                    AssertEntryPoint(declared, http.Method);
                    break;
                case "timerTrigger":
                    var timer = Assert.Single(FunctionCatalog.App.Timers, f => f.Name == declared.Name);
                    Assert.Equal(timer.Schedule, trigger.Schedule);
                    Assert.Equal(timer.RunOnStartup, trigger.RunOnStartup);
                    AssertEntryPoint(declared, timer.Method);
                    break;
                default:
                    Assert.Fail($"Function {declared.Name} has a {trigger.Type}, which the local host does not serve.");
                    break;
            }
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
    public void Catalog_AnonymousFunctions_OnlyHealthThePartnerEndpointsConsoleOpenApiAndUnmatchedRequests()
    {
        // Act
        var anonymous = FunctionCatalog.App.Http
            .Where(f => !f.RequiresKey && f.Type != typeof(UnmatchedRequestFunctions))
            .Select(f => f.Route)
            .Order(StringComparer.Ordinal);

        // Assert
        Assert.Equal(["console/{*asset}", "health", "openapi.json", "partners/{partner}/cohorts", "partners/{partner}/cohorts/users"], anonymous);
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

    private static void AssertEntryPoint(MetadataFunction declared, MethodInfo method)
    {
        Assert.Equal($"{method.DeclaringType!.FullName}.{method.Name}", declared.EntryPoint);
        Assert.Equal(method.DeclaringType.Assembly.GetName().Name + ".dll", declared.ScriptFile);
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

    internal sealed record MetadataFunction(string Name, string ScriptFile, string EntryPoint, IReadOnlyList<MetadataBinding> Bindings);

    internal sealed record MetadataBinding(string Type, string? Route, IReadOnlyList<string> Methods, string? AuthLevel, string? Schedule, bool RunOnStartup);
}
