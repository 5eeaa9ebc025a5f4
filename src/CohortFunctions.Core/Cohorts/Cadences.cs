using System.Diagnostics.CodeAnalysis;

namespace CohortFunctions.Cohorts;

/// <summary>Names, intervals and due times of cadences.</summary>
internal static class Cadences
{
    public const Cadence Default = Cadence.Hourly;

    /// <summary>When a <see cref="Cadence.Once"/> cohort gets its single retry pass, after its last postback.</summary>
    public static readonly TimeSpan OnceRetryDelay = TimeSpan.FromHours(1);

    public const string Allowed = "once, daily, hourly, realtime";

    public static string Name(Cadence cadence) => cadence switch
    {
        Cadence.Once => "once",
        Cadence.Daily => "daily",
        Cadence.Hourly => "hourly",
        Cadence.Realtime => "realtime",
        _ => throw new ArgumentOutOfRangeException(nameof(cadence), cadence, null),
    };

    public static bool TryParse(string? text, [NotNullWhen(true)] out Cadence? cadence)
    {
        cadence = text switch
        {
            "once" => Cadence.Once,
            "daily" => Cadence.Daily,
            "hourly" => Cadence.Hourly,
            "realtime" => Cadence.Realtime,
            _ => null,
        };
        return cadence is not null;
    }

    /// <summary>The time between syncs; none for <see cref="Cadence.Once"/>.</summary>
    public static TimeSpan? Interval(Cadence cadence) => cadence switch
    {
        Cadence.Daily => TimeSpan.FromDays(1),
        Cadence.Hourly => TimeSpan.FromHours(1),
        Cadence.Realtime => TimeSpan.FromMinutes(1),
        _ => null,
    };
}
