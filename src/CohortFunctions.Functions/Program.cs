using CohortFunctions.App.Middleware;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

namespace CohortFunctions.App;

/// <summary>The Functions worker: composes the app and runs it under the Azure Functions host.</summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<UnhandledErrorMiddleware>();
        builder.Services.AddCohortFunctionsApp(builder.Configuration);
        builder.Build().Run();
    }
}
