using System.Globalization;

namespace CohortFunctions.Benchmark;

/// <summary>
/// The soak's settings, from the command line: <c>--soak [seconds]</c> (default 600), <c>--rate [postbacks per
/// second]</c> (default <see cref="DefaultRate"/>) and <c>--window [seconds]</c> (default: a tenth of the run, at most
/// 60 s and at least 5 s).
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

    /// <summary>The options when <c>--soak</c> is given, otherwise null.</summary>
    /// <exception cref="FormatException">A value is not a positive number.</exception>
    public static SoakOptions? Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var soak = IndexOf(args, "--soak");
        if (soak < 0)
        {
            return null;
        }

        var duration = TimeSpan.FromSeconds(NumberAfter(args, soak) ?? DefaultSeconds);
        var rate = Option(args, "--rate") ?? DefaultRate;
        var window = Option(args, "--window") is { } seconds
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 10, 5, 60));
        return new SoakOptions(duration, rate, window);
    }

    private static double? Option(IReadOnlyList<string> args, string name)
    {
        var index = IndexOf(args, name);
        return index < 0 ? null : NumberAfter(args, index) ?? throw new FormatException($"{name} needs a number after it.");
    }

    /// <summary>The positive number right after <paramref name="index"/>, or null when the next argument is not a number.</summary>
    private static double? NumberAfter(IReadOnlyList<string> args, int index)
    {
        if (index + 1 >= args.Count || !double.TryParse(args[index + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        return value > 0 && double.IsFinite(value) ? value : throw new FormatException($"{args[index]} needs a positive number, not {args[index + 1]}.");
    }

    private static int IndexOf(IReadOnlyList<string> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
