using System.Diagnostics;

namespace CohortFunctions.CohortSyncTests.Fakes;

/// <summary>The built <c>cohort-sync</c> tool as a process of its own (copied next to the tests by the project reference).</summary>
public sealed class CohortSyncProcess : IDisposable
{
    private readonly Process _process;
    private Task<string> _output = Task.FromResult(string.Empty);
    private Task<string> _error = Task.FromResult(string.Empty);

    private CohortSyncProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output { get; private set; } = string.Empty;

    public string Error { get; private set; } = string.Empty;

    public static CohortSyncProcess Start(IEnumerable<string> args, string workingDirectory)
    {
        // The SDK names the dotnet it runs under; a plain 'dotnet' from PATH otherwise.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cohort-sync.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cohort-sync did not start.");
        var tool = new CohortSyncProcess(process);
        tool._output = process.StandardOutput.ReadToEndAsync();
        tool._error = process.StandardError.ReadToEndAsync();
        return tool;
    }

    /// <summary>The process's peak resident memory so far (VmHWM), in bytes; 0 once it has exited.</summary>
    public long PeakWorkingSet()
    {
        try
        {
            _process.Refresh();
            return _process.PeakWorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    /// <summary>Kills it as a crash would: SIGKILL, no chance to save anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        Output = await _output;
        Error = await _error;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
