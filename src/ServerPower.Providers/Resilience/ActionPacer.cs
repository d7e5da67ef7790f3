namespace ServerPower.Providers.Resilience;

/// <summary>
/// Gives each server that waits for its account's rate limit a slot of its own, first come first served, so that a
/// backlog of N actions costs N reconciles instead of N each time a token comes (every waiter used to come back at
/// the same instant, for the one token there was). Slots are spaced for <see cref="Share"/> of the account's rate:
/// the rest stays free for batch reads and credential probes, so a server whose slot is due finds its token, and
/// the provider's own bucket keeps slack for network jitter (a request that arrives a little early is a 429).
/// </summary>
/// <remarks>
/// A slot is a promise of order, not a token: a server told to go then takes a token from the account's bucket (held
/// for it by <see cref="ActionReservations"/> until its request), so the account never exceeds its rate. A server whose
/// slot is due but finds no token waits only for the next token, keeping its place. A server told to send now also
/// moves the next free slot an interval on, so two servers asking at one instant are never both told to go for one
/// token. Slots not used within <see cref="Expiry"/> of their time are dropped (the server was deleted or no longer
/// needs the action), so the pacer holds at most one entry per waiting server.
/// One pacer per account key (see <see cref="AccountLimits"/>): a changed rate re-spaces the waiting servers' slots
/// for the new rate at once, in the order they had (<see cref="Reconfigure"/>).
/// </remarks>
internal sealed class ActionPacer
{
    /// <summary>The part of the account's rate that paced actions use.</summary>
    public const double Share = 0.98;

    /// <summary>How long after its time an unused slot is kept.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);

    private readonly Lock gate = new();
    private readonly TimeProvider timeProvider;
    private readonly long expiry;
    private long interval;
    private readonly Dictionary<string, long> slots = new(StringComparer.Ordinal);
    // The same slots by time, so the pacer finds the due ones (DueBefore) and the expired ones (Prune) without a scan.
    private readonly SortedSet<(long At, string Key)> byTime = new(Comparer<(long At, string Key)>.Create(
        (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Key, b.Key)));
    private long cursor;
    private (string Key, long Cursor)? lastGo;

    public ActionPacer(double requestsPerSecond, TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        interval = Interval(requestsPerSecond);
        expiry = (long)(Expiry.TotalSeconds * timeProvider.TimestampFrequency);
        cursor = timeProvider.GetTimestamp();
    }

    /// <summary>
    /// A new rate: the servers holding a slot keep their order and get slots spaced for the new rate from now (the
    /// first is due at once and waits only for a token), so none waits longer than the new rate implies, nor jumps
    /// the queue when the rate falls.
    /// </summary>
    public void Reconfigure(double requestsPerSecond)
    {
        lock (gate)
        {
            var changed = Interval(requestsPerSecond);
            if (changed == interval) return;
            interval = changed;
            var now = timeProvider.GetTimestamp();
            Prune(now);
            var waiting = byTime.Select(slot => slot.Key).ToList();
            slots.Clear();
            byTime.Clear();
            cursor = now;
            lastGo = null;
            foreach (var key in waiting)
            {
                Take(key, cursor);
                cursor += interval;
            }
        }
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
                if (DueBefore(key, slot, now)) return Span(interval);
                slots.Remove(key);
                byTime.Remove((slot, key));
                return Go(key, now);
            }

            // The server told to go last may go again while no one has taken a slot since (its action was not sent).
            var again = lastGo is { } go && go.Key == key && go.Cursor == cursor;
            if ((cursor <= now || again) && untilToken <= TimeSpan.Zero && !DueBefore(key, now, now)) return Go(key, now);
            slot = Math.Max(now + Ticks(untilToken), cursor);
            cursor = slot + interval;
            Take(key, slot);
            return Span(Math.Max(1, slot - now));
        }
    }

    /// <summary>
    /// Whether another server's slot came due before <paramref name="before"/> and that server waits for a token: a
    /// read took the token its slot counted on, so it was sent back for the next one, and it goes first when that comes
    /// (first come, first served, though reads share the tokens; systematic pacer seed 1570). A slot due for longer than
    /// two intervals is not waited for: its server was told to come back within one, so it no longer asks.
    /// </summary>
    private bool DueBefore(string key, long before, long now)
    {
        var (from, to) = (now - 2 * interval, Math.Min(before - 1, now));
        // Slots are an interval apart, so the window holds about three of them, found in O(log n) (a scan of every
        // waiting slot made a backlog of N servers cost O(N²)).
        return from <= to && byTime.GetViewBetween((from, ""), (to + 1, "")).Any(slot => slot.At <= to && slot.Key != key);
    }

    private void Take(string key, long at)
    {
        slots[key] = at;
        byTime.Add((at, key));
    }

    /// <summary>
    /// Send now, and the next server waits a slot: the token is taken after this answer, so two servers told to go at
    /// once could find one token, and the one refused would lose its place (systematic seed 1238).
    /// </summary>
    private TimeSpan? Go(string key, long now)
    {
        cursor = Math.Max(cursor, now + interval);
        lastGo = (key, cursor);
        return null;
    }

    private void Prune(long now)
    {
        while (byTime.Count > 0 && byTime.Min.At + expiry < now)
        {
            slots.Remove(byTime.Min.Key);
            byTime.Remove(byTime.Min);
        }
    }

    private long Interval(double requestsPerSecond)
    {
        var perSecond = Math.Clamp(requestsPerSecond * Share, 0.000001, 1_000_000_000);
        return Math.Max(1, (long)Math.Ceiling(timeProvider.TimestampFrequency / perSecond));
    }

    private long Ticks(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds * timeProvider.TimestampFrequency);

    /// <summary>Rounded up, so a server that comes back when it is told finds its turn due.</summary>
    private TimeSpan Span(long ticks) =>
        TimeSpan.FromTicks((long)Math.Ceiling((double)ticks * TimeSpan.TicksPerSecond / timeProvider.TimestampFrequency));
}
