namespace CohortFunctions.UnitTests.Users;

/// <summary>The writes the fakes saw, in order and from every thread, e.g. <c>AddIdentifier external_id x</c>.</summary>
internal sealed class CallLog
{
    private readonly Lock _gate = new();
    private readonly List<string> _calls = [];

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public void Add(string call)
    {
        lock (_gate)
        {
            _calls.Add(call);
        }
    }
}
