using System.Security.Cryptography;

namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// A file's identity and size in lines, from one sequential pass: its SHA-256 tells a resumed import that the file
/// is the one it started on, and its line count gives the progress bar its end.
/// </summary>
internal sealed record FileFingerprint(long Bytes, string Sha256, long Lines)
{
    /// <exception cref="UserFileException">The file cannot be read.</exception>
    public static async Task<FileFingerprint> ComputeAsync(string path, CancellationToken cancellationToken)
    {
        var stream = UserFileReader.Open(path);
        await using (stream.ConfigureAwait(false))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[256 * 1024];
            long bytes = 0, lines = 0;
            var last = (byte)'\n';
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    var chunk = buffer.AsSpan(0, read);
                    hash.AppendData(chunk);
                    lines += chunk.Count((byte)'\n');
                    bytes += read;
                    last = chunk[^1];
                }
            }
            catch (IOException e)
            {
                throw new UserFileException($"Cannot read user file '{path}': {e.Message}", e);
            }

            // A last line without a line break is a line too.
            return new FileFingerprint(bytes, Convert.ToHexStringLower(hash.GetCurrentHash()), lines + (last == (byte)'\n' ? 0 : 1));
        }
    }
}
