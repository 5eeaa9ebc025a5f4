using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.LocalHost;

/// <summary>
/// Calls a function method the way the isolated worker does: a new instance per invocation from the request's
/// services, trigger and route values bound by parameter name. Only the parameter kinds the app uses are
/// supported; anything else fails at start, not on a request.
/// </summary>
internal static class FunctionInvoker
{
    /// <summary>Fails at start for an HTTP function whose parameters the local host cannot bind as the worker does.</summary>
    /// <remarks>
    /// An HTTP function may not take a <see cref="CancellationToken"/>: under the Functions host that token is the
    /// invocation's, not the request's, and would never see the request deadline (see <c>RequestDeadline.Token</c>).
    /// </remarks>
    public static void EnsureSupportedHttp(MethodInfo method, IReadOnlyCollection<string> routeParameters)
    {
        foreach (var parameter in method.GetParameters())
        {
            var supported = parameter.ParameterType == typeof(HttpRequest)
                || (parameter.ParameterType == typeof(string) && routeParameters.Contains(parameter.Name!, StringComparer.OrdinalIgnoreCase));
            if (!supported)
            {
                throw new NotSupportedException(
                    $"The local host cannot bind parameter '{parameter.Name}' ({parameter.ParameterType.Name}) of {method.DeclaringType?.Name}.{method.Name}.");
            }
        }
    }

    public static async Task InvokeHttpAsync(HttpContext context, Type type, MethodInfo method)
    {
        var arguments = method.GetParameters().Select(p => Bind(p, context)).ToArray();
        var result = await InvokeAsync(context.RequestServices, type, method, arguments).ConfigureAwait(false);
        if (result is IActionResult actionResult)
        {
            await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
        }
    }

    public static async Task InvokeTimerAsync(IServiceProvider services, Type type, MethodInfo method, TimerInfo timer, CancellationToken cancellationToken)
    {
        var arguments = method.GetParameters()
            .Select(p => p.ParameterType == typeof(TimerInfo) ? timer : p.ParameterType == typeof(CancellationToken) ? (object)cancellationToken : null)
            .ToArray();
        await InvokeAsync(services, type, method, arguments).ConfigureAwait(false);
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context) => parameter.ParameterType switch
    {
        var t when t == typeof(HttpRequest) => context.Request,
        _ => context.GetRouteValue(parameter.Name!)?.ToString(),
    };

    private static async Task<object?> InvokeAsync(IServiceProvider services, Type type, MethodInfo method, object?[] arguments)
    {
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, type);
        try
        {
            object? returned;
            try
            {
                returned = method.Invoke(instance, arguments);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }

            switch (returned)
            {
                case Task task:
                    await task.ConfigureAwait(false);
                    return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
                default:
                    return returned;
            }
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
                default:
                    break;
            }
        }
    }
}
