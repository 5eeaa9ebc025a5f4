using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Hosting;

/// <summary>
/// The functions of an assembly, read from their <c>[Function]</c>, <c>[HttpTrigger]</c> and <c>[TimerTrigger]</c>
/// attributes: the single source of routes, methods, auth levels and schedules for every host.
/// </summary>
internal sealed class FunctionCatalog
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private FunctionCatalog(IReadOnlyList<HttpFunction> http, IReadOnlyList<TimerFunction> timers)
    {
        Http = http;
        Timers = timers;
    }

    /// <summary>The catalog of this app's functions.</summary>
    public static FunctionCatalog App { get; } = For(typeof(FunctionCatalog).Assembly);

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    public static FunctionCatalog For(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                foreach (var parameter in method.GetParameters())
                {
                    if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } httpTrigger)
                    {
                        var methods = httpTrigger.Methods is { Length: > 0 } declared
                            ? declared.Select(m => m.ToUpperInvariant()).ToArray()
                            : AllMethods;
                        http.Add(new HttpFunction(function.Name, type, method, httpTrigger.Route ?? function.Name, methods, httpTrigger.AuthLevel));
                    }
                    else if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timerTrigger)
                    {
                        timers.Add(new TimerFunction(function.Name, type, method, timerTrigger.Schedule, timerTrigger.RunOnStartup));
                    }
                }
            }
        }

        return new FunctionCatalog(
            [.. http.OrderBy(f => f.Name, StringComparer.Ordinal)],
            [.. timers.OrderBy(f => f.Name, StringComparer.Ordinal)]);
    }
}
