using CohortFunctions.App.Hosting;
using NCrontab;

namespace CohortFunctions.LocalHost;

/// <summary>A timer function with its schedule resolved from settings, as the Functions host resolves <c>%Setting%</c>.</summary>
internal sealed record ScheduledTimer(TimerFunction Function, string Expression, CrontabSchedule Schedule)
{
    /// <summary>Resolves and parses a schedule: six-field NCRONTAB (with seconds), as the Functions timer trigger uses.</summary>
    public static ScheduledTimer Resolve(TimerFunction function, IConfiguration configuration)
    {
        var expression = function.Schedule;
        if (expression.Length > 2 && expression.StartsWith('%') && expression.EndsWith('%'))
        {
            var setting = expression[1..^1];
            expression = configuration[setting.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"Timer function {function.Name}: setting '{setting}' is not set.");
        }

        var schedule = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
            ?? throw new InvalidOperationException($"Timer function {function.Name}: '{expression}' is not a six-field cron expression.");
        return new ScheduledTimer(function, expression, schedule);
    }
}
