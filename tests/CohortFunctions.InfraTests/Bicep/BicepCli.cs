using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace CohortFunctions.InfraTests.Bicep;

/// <summary>One run of the Bicep CLI: its exit code, output and the diagnostics it printed.</summary>
public sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Every diagnostic line (error, warning or info) the CLI printed, e.g. <c>main.bicep(3,7) : Warning no-unused-params: ...</c>.</summary>
    public IReadOnlyList<string> Diagnostics =>
        [.. $"{StandardOutput}\n{StandardError}".Split('\n').Select(l => l.Trim()).Where(l => BicepCli.DiagnosticLine().IsMatch(l))];

    /// <summary>A readable account of the run, for assertion messages.</summary>
    public string Describe() => $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>
/// Runs the Bicep CLI that restore downloaded (PackageDownload in the project file) from the NuGet global packages
/// folder. Fails loudly when it is missing: these checks never skip.
/// </summary>
public static partial class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<string> Executable = new(FindExecutable);

    /// <summary>Runs <c>bicep</c> with the arguments in a working directory, with extra (or removed, when null) environment variables.</summary>
    public static BicepResult Run(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', start.ArgumentList)} did not finish within {Timeout}.");
        }

        process.WaitForExit();
        return new BicepResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"\) : (Error|Warning|Info) ", RegexOptions.CultureInvariant)]
    internal static partial Regex DiagnosticLine();

    private static string FindExecutable()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepPath").Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI is not at '{path}'. `dotnet restore tests/CohortFunctions.InfraTests` downloads it (Azure.Bicep.CommandLine.linux-x64).");
        }

        // NuGet extracts it executable for its owner only; another user running the tests needs the other bits.
        if (OperatingSystem.IsWindows())
        {
            return path;
        }

        const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(path);
        if ((mode & Execute) != Execute)
        {
            try
            {
                File.SetUnixFileMode(path, mode | Execute);
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to change: it still runs if our user has one of the execute bits.
            }
        }

        return path;
    }
}
