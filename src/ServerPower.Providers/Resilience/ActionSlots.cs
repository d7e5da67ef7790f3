namespace ServerPower.Providers.Resilience;

/// <summary>
/// The account's actions in flight, bounded by its <c>spec.maxConcurrentActions</c>. Never waits: an action either
/// takes a slot at once or is refused. One per account key (see <see cref="AccountLimits"/>), so an action sent
/// through an instance the factory has since replaced (a rotated token, a new limit) still holds its slot until it
/// returns, and a changed bound applies at once to the actions already in flight.
/// </summary>
/// <remarks>
/// A counter, not System.Threading.RateLimiting's ConcurrencyLimiter (used here before): that limiter's permit
/// limit is fixed when it is built, so a changed bound needed a new limiter that knew nothing of the actions
/// still in flight.
/// </remarks>
internal sealed class ActionSlots
{
    private readonly Lock gate = new();
    private int limit = 1;
    private int inFlight;

    /// <summary>How many actions may be in flight at once; a lower bound than those in flight refuses until enough return.</summary>
    public int Limit
    {
        get { lock (gate) return limit; }
        set { lock (gate) limit = Math.Max(1, value); }
    }

    /// <summary>Whether no slot is free now.</summary>
    public bool Full
    {
        get { lock (gate) return inFlight >= limit; }
    }

    /// <summary>A slot, released when disposed; null when all are in use.</summary>
    public IDisposable? TryTake()
    {
        lock (gate)
        {
            if (inFlight >= limit) return null;
            inFlight++;
            return new Slot(this);
        }
    }

    private void Return()
    {
        lock (gate)
        {
            inFlight--;
        }
    }

    /// <summary>Released once, however often it is disposed.</summary>
    private sealed class Slot(ActionSlots owner) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) owner.Return();
        }
    }
}
