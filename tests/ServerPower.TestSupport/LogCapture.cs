using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ServerPower.TestSupport;

/// <summary>Captures every log entry (all levels, exceptions included) so tests can search them for secrets or stacks.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> entries = new();

    public sealed record Entry(LogLevel Level, string Category, string Message, string Structured, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message} {Structured} {Exception}";
    }

    public IReadOnlyList<Entry> Entries => [.. entries];

    public IReadOnlyList<string> Lines => [.. entries.Select(e => e.ToString())];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            entries.Enqueue(new Entry(logLevel, category, formatter(state, exception), structured, exception));
        }
    }
}
