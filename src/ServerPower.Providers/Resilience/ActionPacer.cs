namespace ServerPower.Providers.Resilience;

/// <summary>
/// Gives each server that waits for its account's rate limit a slot of its own, first come first served, so that a
/// backlog of N actions costs N reconciles instead of N each time a token comes (every waiter used to come back at
/// the same instant, for the one token there was). Slots are spaced for <see cref="Share"/> of the account's rate:
/// the rest stays free for batch reads and credential probes, so a server whose slot is due finds its token, and
/// the provider's own bucket keeps slack for network jitter (a request that arrives a little early is a 429).
/// </summary>
/// <remarks>
/// A slot is a promise of order, not a token: the action still takes a token from the account's bucket when it is
/// sent, so the account never exceeds its rate. A server whose slot is due but finds no token waits only for the
/// next token, keeping its place. Slots not used within <see cref="Expiry"/> of their time are dropped (the
/// server was deleted or no longer needs the action), so the pacer holds at most one entry per waiting server.
/// </remarks>
internal sealed class ActionPacer
{
    /// <summary>The part of the account's rate that paced actions use.</summary>
    public const double Share = 0.98;

    /// <summary>How long after its time an unused slot is kept.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private readonly long interval;
    private readonly long expiry;
    private readonly Dictionary<string, long> slots = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long At)> order = new();
    private long cursor;

    public ActionPacer(double requestsPerSecond, TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        var perSecond = Math.Clamp(requestsPerSecond * Share, 0.000001, 1_000_000_000);
        interval = Math.Max(1, (long)Math.Ceiling(timeProvider.TimestampFrequency / perSecond));
        expiry = (long)(Expiry.TotalSeconds * timeProvider.TimestampFrequency);
        cursor = timeProvider.GetTimestamp();
    }

    /// <summary>Servers holding a slot (for tests and bounds).</summary>
    public int Waiting
    {
        get { lock (gate) return slots.Count; }
    }

    /// <summary>
    /// How long <paramref name="key"/> waits before it may send, given how long until the bucket has a token; null:
    /// send now (its slot, if it had one, is given up). A server without a slot gets the next free one when others
    /// wait or no token is there.
    /// </summary>
    public TimeSpan? Wait(string key, TimeSpan untilToken)
    {
        lock (gate)
        {
            var now = timeProvider.GetTimestamp();
            Prune(now);
            if (slots.TryGetValue(key, out var slot))
            {
                if (slot > now) return Span(slot - now);
                if (untilToken > TimeSpan.Zero) return untilToken;
                slots.Remove(key);
                return null;
            }

            if (cursor <= now && untilToken <= TimeSpan.Zero) return null;
            slot = Math.Max(now + Ticks(untilToken), cursor);
            cursor = slot + interval;
            slots[key] = slot;
            order.Enqueue((key, slot));
            return Span(Math.Max(1, slot - now));
        }
    }

    private void Prune(long now)
    {
        while (order.TryPeek(out var head) && head.At + expiry < now)
        {
            order.Dequeue();
            if (slots.TryGetValue(head.Key, out var at) && at == head.At) slots.Remove(head.Key);
        }
    }

    private long Ticks(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds * timeProvider.TimestampFrequency);

    /// <summary>Rounded up, so a server that comes back when it is told finds its turn due.</summary>
    private TimeSpan Span(long ticks) =>
        TimeSpan.FromTicks((long)Math.Ceiling((double)ticks * TimeSpan.TicksPerSecond / timeProvider.TimestampFrequency));
}
