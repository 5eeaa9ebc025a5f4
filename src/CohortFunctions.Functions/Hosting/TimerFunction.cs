using System.Reflection;

namespace CohortFunctions.App.Hosting;

/// <summary>A timer-triggered function; <see cref="Schedule"/> may be a <c>%Setting%</c> reference.</summary>
internal sealed record TimerFunction(string Name, Type Type, MethodInfo Method, string Schedule, bool RunOnStartup);
