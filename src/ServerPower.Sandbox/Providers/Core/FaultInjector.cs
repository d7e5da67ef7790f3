namespace ServerPower.Sandbox.Providers.Core;

/// <summary>
/// Fault injection: "the next N calls (matching a method/path) get this fault", or "every matching call until this
/// deadline" (by the simulator's clock). Rules apply in the order added.
/// </summary>
public sealed class FaultInjector(TimeProvider? time = null)
{
    private readonly Lock gate = new();
    private readonly List<Entry> entries = [];
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>The next <paramref name="count"/> matching calls get <paramref name="rule"/>.</summary>
    public void Add(FaultRule rule, int count = 1)
    {
        lock (gate)
        {
            entries.Add(new Entry(rule, count, null));
        }
    }

    /// <summary>Every matching call for the next <paramref name="duration"/> gets <paramref name="rule"/> (a storm, an outage).</summary>
    public void AddFor(FaultRule rule, TimeSpan duration)
    {
        lock (gate)
        {
            entries.Add(new Entry(rule, int.MaxValue, clock.GetUtcNow() + duration));
        }
    }

    /// <summary>The next matching calls never get an answer: they hang until the client gives up.</summary>
    public void Hang(int count = 1, string? method = null, string? path = null) =>
        Add(new FaultRule { Delay = Timeout.InfiniteTimeSpan, Abort = true, Method = method, PathContains = path }, count);

    /// <summary>The next matching calls are carried out (an action takes effect), then the connection is closed without an answer.</summary>
    public void DropAfterAnswer(int count = 1, string? method = null, string? path = null) =>
        Add(new FaultRule { AbortAfterAnswer = true, Method = method, PathContains = path }, count);

    public void Respond(int statusCode, int count = 1, string? body = null, TimeSpan? retryAfter = null, string? method = null, string? path = null) =>
        Add(new FaultRule { StatusCode = statusCode, Body = body, RetryAfter = retryAfter, Method = method, PathContains = path }, count);

    /// <summary>The next matching calls are answered <paramref name="statusCode"/> with this body and content type (e.g. an HTML page).</summary>
    public void RespondRaw(int statusCode, string body, string contentType, int count = 1, string? method = null, string? path = null) =>
        Add(new FaultRule { StatusCode = statusCode, Body = body, ContentType = contentType, Method = method, PathContains = path }, count);

    /// <summary>The next matching calls are redirected to <paramref name="location"/> (307 re-sends the method and body).</summary>
    public void Redirect(Uri location, int statusCode = 307, int count = 1, string? method = null, string? path = null) =>
        Add(new FaultRule
        {
            StatusCode = statusCode,
            Headers = new Dictionary<string, string> { ["Location"] = location.AbsoluteUri },
            Method = method,
            PathContains = path,
        }, count);

    /// <summary>The next matching calls get <paramref name="statusCode"/> with a streamed body of <paramref name="bytes"/> bytes.</summary>
    public void RespondHuge(long bytes, int statusCode = 200, int count = 1, string? method = null, string? path = null) =>
        Add(new FaultRule { StatusCode = statusCode, StreamedBodyBytes = bytes, Method = method, PathContains = path }, count);

    public void Delay(TimeSpan delay, int count = 1, string? method = null, string? path = null) =>
        Add(new FaultRule { Delay = delay, Method = method, PathContains = path }, count);

    public void Drop(int count = 1, string? method = null, string? path = null) =>
        Add(new FaultRule { Abort = true, Method = method, PathContains = path }, count);

    public void Clear()
    {
        lock (gate)
        {
            entries.Clear();
        }
    }

    /// <summary>Faults not yet used up.</summary>
    public int Pending
    {
        get
        {
            lock (gate)
            {
                var now = clock.GetUtcNow();
                return entries.Where(entry => entry.Until is null).Sum(entry => entry.Remaining)
                    + entries.Count(entry => entry.Until > now);
            }
        }
    }

    internal FaultRule? Take(string method, string path)
    {
        lock (gate)
        {
            var now = clock.GetUtcNow();
            entries.RemoveAll(e => e.Until <= now);
            var entry = entries.FirstOrDefault(e => e.Remaining > 0 && e.Rule.Matches(method, path));
            if (entry is null)
            {
                return null;
            }

            if (entry.Until is null)
            {
                entry.Remaining--;
            }

            if (entry.Remaining == 0)
            {
                entries.Remove(entry);
            }

            return entry.Rule;
        }
    }

    private sealed class Entry(FaultRule rule, int remaining, DateTimeOffset? until)
    {
        public FaultRule Rule { get; } = rule;

        public DateTimeOffset? Until { get; } = until;

        public int Remaining { get; set; } = remaining;
    }
}
