namespace CohortFunctions.CohortSync.Sync;

/// <summary>Amplitude's sync cadences.</summary>
public enum Cadence
{
    /// <summary>One sync, then stop.</summary>
    Once,

    /// <summary>Every minute ("real-time").</summary>
    Realtime,

    Hourly,

    Daily,
}

public static class CadenceExtensions
{
    /// <summary>The time from the start of one sync to the start of the next; <c>null</c> for <see cref="Cadence.Once"/>.</summary>
    public static TimeSpan? Interval(this Cadence cadence) => cadence switch
    {
        Cadence.Realtime => TimeSpan.FromMinutes(1),
        Cadence.Hourly => TimeSpan.FromHours(1),
        Cadence.Daily => TimeSpan.FromDays(1),
        _ => null,
    };
}
