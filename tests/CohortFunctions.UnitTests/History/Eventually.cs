namespace CohortFunctions.UnitTests.History;

/// <summary>Waits for what a background service does on its own thread, failing after a few seconds.</summary>
internal static class Eventually
{
    /// <param name="condition">What to wait for.</param>
    /// <param name="what">Says what, when it does not come.</param>
    /// <param name="tick">Done between looks, e.g. moving a fake clock on, so that waits on it end whenever they began.</param>
    public static async Task TrueAsync(Func<bool> condition, string what, Action? tick = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            }

            tick?.Invoke();
            await Task.Delay(5);
        }
    }
}
