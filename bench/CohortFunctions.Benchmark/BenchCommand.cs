using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace CohortFunctions.Benchmark;

/// <summary>What one invocation runs: the benchmark with a plan, or the soak; and where the results go.</summary>
internal sealed record BenchSettings(string OutDir, string Mode, BenchPlan? Plan, SoakOptions? Soak);

/// <summary>
/// The benchmark's command line. Usage errors (a mistyped option, a value that is not a positive number, options of
/// the benchmark given to the soak) stop it with exit code 2 before anything starts; <c>--help</c> only prints help.
/// </summary>
internal static class BenchCommand
{
    public const int UsageExitCode = 2;

    private static readonly Option<bool> Smoke = new("--smoke")
    {
        Description = "Seconds, not minutes: that every phase still works (CI runs this). Its figures mean nothing.",
    };

    private static readonly Option<int?> Cohort = PositiveOption<int>("--cohort", "n", $"Members of the cohort the initial sync sends [default: {BenchPlan.Full.CohortSize:N0}; {BenchPlan.Smoke.CohortSize:N0} with --smoke].");

    private static readonly Option<int?> Samples = PositiveOption<int>("--samples", "n", $"Postbacks per latency scenario [default: {BenchPlan.Full.LatencySamples}; {BenchPlan.Smoke.LatencySamples} with --smoke].");

    private static readonly Option<string?> Out = new("--out")
    {
        Description = "Where the results go (a .json and a .md per run) [default: bench/results].",
        HelpName = "dir",
    };

    private static readonly Option<double?> Soak = CreateSoakOption();

    private static readonly Option<double?> Rate = PositiveOption<double>("--rate", "per-second", $"With --soak: postbacks of 1,000 ids a second [default: {SoakOptions.DefaultRate}].");

    private static readonly Option<double?> Window = PositiveOption<double>("--window", "seconds", "With --soak: seconds of one window of the report [default: a tenth of the run, 5 to 60].");

    public static RootCommand Create(Func<ParseResult, CancellationToken, Task<int>> action)
    {
        var root = new RootCommand(
            "Measures the app as users start it (its own Azurite and the local host): postback latency against the storage floor, "
            + "the initial sync of a large cohort with cohort-sync, size independence and a segment export. "
            + "With --soak: a steady load for a long time, watched for errors, latency drift and memory growth.")
        {
            Smoke, Cohort, Samples, Out, Soak, Rate, Window,
        };
        root.Validators.Add(result =>
        {
            var soak = result.GetResult(Soak) is not null;
            foreach (var option in soak ? new Option[] { Smoke, Cohort, Samples } : [Rate, Window])
            {
                if (result.GetResult(option) is not null)
                {
                    result.AddError(soak ? $"{option.Name} is an option of the benchmark, not of --soak." : $"{option.Name} goes with --soak.");
                }
            }
        });
        root.SetAction(action);
        return root;
    }

    /// <summary>The settings of a parse without errors.</summary>
    public static BenchSettings Bind(ParseResult parse, string repositoryRoot)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var outDir = parse.GetValue(Out) ?? Path.Combine(repositoryRoot, "bench", "results");
        if (parse.GetResult(Soak) is not null)
        {
            var duration = TimeSpan.FromSeconds(parse.GetValue(Soak) ?? SoakOptions.DefaultSeconds);
            var window = parse.GetValue(Window) is { } seconds ? TimeSpan.FromSeconds(seconds) : SoakOptions.DefaultWindow(duration);
            return new BenchSettings(outDir, "soak", null, new SoakOptions(duration, parse.GetValue(Rate) ?? SoakOptions.DefaultRate, window));
        }

        var smoke = parse.GetValue(Smoke);
        var plan = smoke ? BenchPlan.Smoke : BenchPlan.Full;
        if (parse.GetValue(Cohort) is { } cohortSize)
        {
            plan = plan with { CohortSize = cohortSize };
        }

        if (parse.GetValue(Samples) is { } samples)
        {
            plan = plan with { LatencySamples = samples, SizeSamples = Math.Min(samples, plan.SizeSamples) };
        }

        return new BenchSettings(outDir, smoke ? "smoke" : plan == BenchPlan.Full ? "full" : "custom", plan, null);
    }

    /// <summary><c>--soak [seconds]</c>: the soak instead of the benchmark, for that long.</summary>
    private static Option<double?> CreateSoakOption()
    {
        var option = PositiveOption<double>("--soak", "seconds", $"Run the soak instead of the benchmark, for this many seconds [default: {SoakOptions.DefaultSeconds}].");
        option.Arity = ArgumentArity.ZeroOrOne;
        return option;
    }

    /// <summary>An option taking a positive number; anything else is a usage error that names the option.</summary>
    private static Option<T?> PositiveOption<T>(string name, string helpName, string description)
        where T : struct, INumber<T>
    {
        return new Option<T?>(name)
        {
            Description = description,
            HelpName = helpName,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return null;
                }

                var text = result.Tokens[0].Value;
                if (T.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > T.Zero && T.IsFinite(value))
                {
                    return value;
                }

                result.AddError($"{name} needs a positive number, not '{text}'.");
                return null;
            },
        };
    }
}
