using System.CommandLine;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>Options that take a <see cref="Duration"/>, shared by the cohort sync and the user import.</summary>
internal static class DurationOptions
{
    /// <summary>Durations stay text until bound, so that help shows their defaults as they are typed.</summary>
    public static Option<string> Create(string name, string description, string defaultValue)
    {
        var option = new Option<string>(name)
        {
            Description = $"{description} As 250ms, 1s, 2m, 1h or seconds.",
            HelpName = "duration",
            DefaultValueFactory = _ => defaultValue,
        };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!Duration.TryParse(text, out _))
            {
                result.AddError($"'{text}' is not a duration for {name}: use 250ms, 1s, 2m, 1h or a number of seconds.");
            }
        });
        return option;
    }

    public static TimeSpan Value(ParseResult parse, Option<string> option) =>
        Duration.TryParse(parse.GetValue(option), out var duration) ? duration : throw new InvalidOperationException("Durations are validated when parsed.");
}
