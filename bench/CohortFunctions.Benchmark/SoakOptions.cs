namespace CohortFunctions.Benchmark;

/// <summary>
/// The soak's settings, from the command line (<see cref="BenchCommand"/>): <c>--soak [seconds]</c> (default 600),
/// <c>--rate [postbacks per second]</c> (default <see cref="DefaultRate"/>) and <c>--window [seconds]</c> (default
/// <see cref="DefaultWindow"/>).
/// </summary>
internal sealed record SoakOptions(TimeSpan Duration, double Rate, TimeSpan Window)
{
    public const int DefaultSeconds = 600;

    /// <summary>
    /// One 1,000-id postback every 5 s: on the shared 2-core machine it was chosen on, 0.5 a second saturated Azurite
    /// (latency climbed to the 30 s request deadline) while 0.2 ran at 1-2 s; see docs/reliability.md. The soak is
    /// about drift at a steady load, not about saturation.
    /// </summary>
    public const double DefaultRate = 0.2;

    /// <summary>A window of a tenth of the run, at least 5 s and at most 60 s.</summary>
    public static TimeSpan DefaultWindow(TimeSpan duration) => TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 10, 5, 60));
}
