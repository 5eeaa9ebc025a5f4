using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Hosting;

/// <summary>An HTTP-triggered function as its attributes declare it: what the Functions host serves.</summary>
internal sealed record HttpFunction(string Name, Type Type, MethodInfo Method, string Route, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel)
{
    /// <summary>Whether a function key is needed to call it.</summary>
    public bool RequiresKey => AuthLevel != AuthorizationLevel.Anonymous;
}
