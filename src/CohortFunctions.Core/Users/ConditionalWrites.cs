namespace CohortFunctions.Users;

/// <summary>
/// How the users feature retries a conditional write (an ETag-guarded replace or delete, a create-only add) that lost
/// to a concurrent one, and what an entry reports when its tries run out.
/// </summary>
internal static class ConditionalWrites
{
    /// <summary>
    /// Tries of a conditional write that lost to a concurrent one before the entry is reported as busy. Requests that
    /// update one user at once take turns: with n writers the last may lose n - 1 times.
    /// </summary>
    public const int MaxAttempts = 10;

    /// <summary>Why an identifier could not be claimed in time, after the request field that names it.</summary>
    public const string BusyRefusal = "is being changed by another request; retry.";

    /// <summary>Why an entry could not change its user in time.</summary>
    public const string BusyMessage = "the user " + BusyRefusal;

    /// <summary>
    /// A short random pause, growing with each try, before a conditional write is tried again, so writers that
    /// collided do not collide again in lockstep. Real time on purpose: it paces storage calls, it is not domain time.
    /// </summary>
    public static Task PauseAsync(int attempt, CancellationToken cancellationToken) =>
        attempt == 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);
}
