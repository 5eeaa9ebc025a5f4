using System.Globalization;

namespace CohortFunctions.IntegrationTests.Load;

/// <summary>
/// How big the load tests run. Every run uses 8 concurrent senders of 1,000-id postbacks into one cohort (and 2 more on
/// other cohorts); only the number of postbacks per sender changes. The default is the scaled size CI can afford on 2
/// cores with Azurite, one postback of each kind a sender sends (see <see cref="SenderScript"/>); the full size, 400,000
/// ids into one cohort (8 senders × 50 postbacks × 1,000 ids), is <c>COHORT_LOAD_POSTBACKS=50</c>, see docs/reliability.md.
/// </summary>
public sealed record LoadSize(int PostbacksPerSender)
{
    public const string PostbacksVariable = "COHORT_LOAD_POSTBACKS";

    public const int DefaultPostbacksPerSender = 3;

    public const int Senders = 8;

    public const int IdsPerPostback = 1000;

    /// <summary>The size the environment asks for; a value that is not a number from 1 to 1,000 fails the test run.</summary>
    public static LoadSize FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(PostbacksVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return new LoadSize(DefaultPostbacksPerSender);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var postbacks) && postbacks is >= 1 and <= 1000
            ? new LoadSize(postbacks)
            : throw new InvalidOperationException($"{PostbacksVariable} must be a whole number from 1 to 1000, not '{text}'.");
    }
}
