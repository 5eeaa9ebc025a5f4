using System.Globalization;

namespace CohortFunctions.CohortSync.Import;

/// <summary>Opens user files of either format.</summary>
internal static class UserFileReader
{
    /// <summary>The longest line read, in bytes: far above any user the users API accepts, small enough to hold.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    public static readonly string TooLongProblem = string.Create(CultureInfo.InvariantCulture, $"the line is longer than {MaxLineBytes / (1024 * 1024)} MiB.");

    /// <summary>Opens <paramref name="path"/> and, for CSV, reads its header and finds the mapped columns.</summary>
    /// <exception cref="UserFileException">The file cannot be read, or (CSV) has no header or lacks a mapped column.</exception>
    public static async Task<IUserFileReader> OpenAsync(string path, UserFileFormat format, UserMapping mapping, CancellationToken cancellationToken)
    {
        var stream = Open(path);
        try
        {
            return format == UserFileFormat.Csv
                ? await CsvUserFileReader.OpenAsync(stream, mapping, cancellationToken).ConfigureAwait(false)
                : new NdjsonUserFileReader(stream, mapping);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFileException($"Cannot read user file '{path}': {e.Message}", e);
        }
    }
}
