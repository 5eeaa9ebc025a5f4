using System.Globalization;
using System.Text;
using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSync.Cli;

/// <summary>
/// Shows an import's progress on stderr: on a terminal, one bar redrawn in place (at most every
/// <see cref="BarInterval"/>); otherwise (a log, a pipe, CI) plain lines, at most one per interval, that read well
/// in a file.
/// </summary>
internal sealed class ImportProgressPrinter(TextWriter error, bool terminal, Func<int> terminalWidth, TimeSpan interval, TimeProvider time)
{
    /// <summary>How often the bar is redrawn at most: smooth enough, and cheap on a slow terminal.</summary>
    public static readonly TimeSpan BarInterval = TimeSpan.FromMilliseconds(100);

    private const int BarWidth = 24;

    private readonly Lock _lock = new();
    private long _last = time.GetTimestamp();
    private UserImportProgress? _latest;
    private bool _barShown;

    public void Report(UserImportProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        lock (_lock)
        {
            _latest = progress;

            // The bar shows from the start; lines only once something moved.
            if ((!terminal && progress.LinesThisRun == 0 && progress.FailedBatches == 0) || (_barShown && time.GetElapsedTime(_last) < BarInterval)
                || (!terminal && time.GetElapsedTime(_last) < interval))
            {
                return;
            }

            _last = time.GetTimestamp();
            Write(progress);
        }
    }

    /// <summary>Draws the bar a last time, full when the import is <paramref name="complete"/>, and ends its line; plain lines need nothing more.</summary>
    public void Finish(bool complete)
    {
        lock (_lock)
        {
            if (terminal && _latest is { } latest)
            {
                Write(complete ? latest with { LinesDone = latest.LinesTotal } : latest);
            }

            if (_barShown)
            {
                error.WriteLine();
                _barShown = false;
            }
        }
    }

    private void Write(UserImportProgress progress)
    {
        if (!terminal)
        {
            error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"progress: {progress.LinesDone:N0}/{progress.LinesTotal:N0} lines ({Percent(progress)}%), created {progress.Created:N0}, updated {progress.Updated:N0}, rejected {progress.Rejected:N0}, malformed {progress.Malformed:N0}, {progress.UsersPerSecond:N0} users/s, {progress.Retries:N0} retries{Eta(progress, ", ETA ")}"));
            return;
        }

        var filled = (int)(BarWidth * Fraction(progress));
        var line = new StringBuilder();
        line.Append('[').Append('#', filled).Append('.', BarWidth - filled).Append(']');
        // Most important first: a narrow terminal cuts the end.
        line.Append(CultureInfo.InvariantCulture, $" {Percent(progress),3}% {progress.LinesDone:N0}/{progress.LinesTotal:N0} lines{Eta(progress, "  ETA ")}  {progress.UsersPerSecond:N0} users/s  ");
        line.Append(CultureInfo.InvariantCulture, $"created {progress.Created:N0} updated {progress.Updated:N0} rejected {progress.Rejected:N0} malformed {progress.Malformed:N0}");
        if (progress.Retries > 0)
        {
            line.Append(CultureInfo.InvariantCulture, $" retries {progress.Retries:N0}");
        }

        var width = terminalWidth();
        var text = width > 1 && line.Length >= width ? line.ToString(0, width - 1) : line.ToString();

        // Carriage return, the bar, then clear what a longer bar left on the line.
        error.Write($"\r{text}\u001b[K");
        error.Flush();
        _barShown = true;
    }

    private static double Fraction(UserImportProgress progress) =>
        progress.LinesTotal > 0 ? Math.Clamp((double)progress.LinesDone / progress.LinesTotal, 0, 1) : 1;

    private static int Percent(UserImportProgress progress) => (int)Math.Floor(100 * Fraction(progress));

    private static string Eta(UserImportProgress progress, string prefix) =>
        progress.Remaining is { } left && progress.LinesDone < progress.LinesTotal ? prefix + Format(left) : string.Empty;

    private static string Format(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m")
        : span.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m{span.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(span.TotalSeconds):0}s");
}
