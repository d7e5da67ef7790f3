namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Decides how an event is written, the way client-go's event correlator does, without its spam filter (which drops
/// events): an exact repeat (same object, type, reason and message) becomes a count on the event already written; once
/// an object has had <see cref="MaxSimilar"/> different messages for one reason within <see cref="Window"/>, further
/// ones are combined into one event for that reason ("(combined from similar events): …") whose count grows. So no
/// event is dropped, the number of Event objects per object and reason is bounded, and so is memory: both caches are
/// LRUs of <see cref="MaxEntries"/> entries. Not thread-safe: the recorder locks.
/// </summary>
public sealed class EventCorrelator
{
    public const int MaxEntries = 4096;
    public const int MaxSimilar = 10;
    public const string CombinedPrefix = "(combined from similar events): ";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private readonly Lru<string, Similar> similar = new(MaxEntries);
    private readonly Lru<string, Written> written = new(MaxEntries);

    /// <summary>The distinct messages one (object, type, reason) had within the window.</summary>
    private sealed class Similar(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; set; } = since;
        public HashSet<string> Messages { get; } = [];
    }

    /// <summary>An Event already written: its name, count and first time.</summary>
    private sealed record Written(string Name, int Count, DateTimeOffset First);

    /// <summary>How many entries the caches hold (bounded by <see cref="MaxEntries"/> each).</summary>
    public int Tracked => similar.Count + written.Count;

    /// <summary>What to write for this event now.</summary>
    public CorrelatedEvent Correlate(string objectUid, bool warning, string reason, string message, DateTimeOffset now)
    {
        var type = warning ? "Warning" : "Normal";
        var similarKey = $"{objectUid}\n{type}\n{reason}";
        if (!similar.TryGet(similarKey, out var seen) || now - seen.Since >= Window)
            similar.Set(similarKey, seen = new Similar(now));
        seen.Messages.Add(message);
        var combined = seen.Messages.Count > MaxSimilar;
        var key = combined ? similarKey : $"{similarKey}\n{message}";
        var text = combined ? CombinedPrefix + message : message;
        return written.TryGet(key, out var earlier)
            ? new CorrelatedEvent(key, text, earlier.Count + 1, earlier.First, earlier.Name)
            : new CorrelatedEvent(key, text, 1, now, null);
    }

    /// <summary>Remembers the event as written under <paramref name="name"/> (after a create or a patch).</summary>
    public void Recorded(CorrelatedEvent e, string name) => written.Set(e.Key, new Written(name, e.Count, e.First));

    /// <summary>The written event is gone (expired at the API server): the next repeat creates a new one.</summary>
    public void Forget(CorrelatedEvent e) => written.Remove(e.Key);

    /// <summary>A least-recently-used map with a fixed capacity.</summary>
    private sealed class Lru<TKey, TValue>(int capacity) where TKey : notnull
    {
        private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> map = [];
        private readonly LinkedList<(TKey Key, TValue Value)> order = new();

        public int Count => map.Count;

        public bool TryGet(TKey key, out TValue value)
        {
            if (map.TryGetValue(key, out var node))
            {
                order.Remove(node);
                order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
            value = default!;
            return false;
        }

        public void Set(TKey key, TValue value)
        {
            Remove(key);
            map[key] = order.AddFirst((key, value));
            if (map.Count <= capacity) return;
            var oldest = order.Last!;
            order.RemoveLast();
            map.Remove(oldest.Value.Key);
        }

        public void Remove(TKey key)
        {
            if (!map.Remove(key, out var node)) return;
            order.Remove(node);
        }
    }
}

/// <summary>
/// An event as the correlator wants it written: a new Event when <paramref name="ExistingName"/> is null, else a patch
/// of that Event's count, last time and message.
/// </summary>
public sealed record CorrelatedEvent(string Key, string Message, int Count, DateTimeOffset First, string? ExistingName);
