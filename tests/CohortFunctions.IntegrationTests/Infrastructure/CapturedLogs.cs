using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>One log call as the app made it: the formatted message, every structured value, the scopes and the exception.</summary>
public sealed record LogEntry(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    IReadOnlyList<KeyValuePair<string, object?>> State,
    IReadOnlyList<object?> Scopes,
    Exception? Exception)
{
    /// <summary>Everything of this entry that a log sink could write, as text, to search for what must never be logged.</summary>
    public string AllText()
    {
        var text = new StringBuilder().Append(Category).Append(' ').Append(EventId.Name).Append(' ').AppendLine(Message);
        foreach (var (key, value) in State)
        {
            text.Append(key).Append('=').AppendLine(Render(value));
        }

        foreach (var scope in Scopes)
        {
            text.Append("scope: ").AppendLine(Render(scope));
        }

        return text.Append(Exception?.ToString()).ToString();
    }

    private static string Render(object? value) => value switch
    {
        null => "",
        string s => s,
        IEnumerable<KeyValuePair<string, object?>> pairs => string.Join(", ", pairs.Select(p => $"{p.Key}={Render(p.Value)}")),
        System.Collections.IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Render)),
        _ => value.ToString() ?? "",
    };
}

/// <summary>A logger provider that keeps every entry of every level, for tests that inspect what the app logged.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => sink._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToList()
                : [new KeyValuePair<string, object?>("State", state)];
            var scopes = new List<object?>();
            sink._scopes.ForEachScope((scope, list) => list.Add(scope), scopes);
            sink._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), values, scopes, exception));
        }
    }
}
