namespace ServerPower.Providers.Resilience;

/// <summary>
/// Tokens of the account's rate limit taken for servers that were told their action may go
/// (<see cref="ProviderPipeline.ActionWait"/>), so a read cannot take the token between that answer and the request:
/// the reconciler records the action first (a status write, and a wait for its cache), and an action refused after its
/// record must undo it, two writes for nothing. A reservation is used by that server's next action request, or by its
/// next <c>ActionWait</c>, which then takes no second token; one not used within <see cref="Expiry"/> is dropped, its
/// token spent (the account stays under its rate).
/// </summary>
internal sealed class ActionReservations(TimeProvider timeProvider)
{
    /// <summary>How long a token stays reserved for its server.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private readonly Dictionary<string, DateTimeOffset> reserved = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="serverId"/> holds a token taken for it.</summary>
    public bool Holds(string serverId)
    {
        lock (gate) return reserved.TryGetValue(serverId, out var at) && Live(at);
    }

    /// <summary>Records a token taken for <paramref name="serverId"/>; expired reservations are dropped.</summary>
    public void Add(string serverId)
    {
        lock (gate)
        {
            foreach (var stale in reserved.Where(pair => !Live(pair.Value)).Select(pair => pair.Key).ToList()) reserved.Remove(stale);
            reserved[serverId] = timeProvider.GetUtcNow();
        }
    }

    /// <summary>Uses the token reserved for <paramref name="serverId"/>; false when it holds none.</summary>
    public bool TryUse(string serverId)
    {
        lock (gate) return reserved.Remove(serverId, out var at) && Live(at);
    }

    private bool Live(DateTimeOffset at) => timeProvider.GetUtcNow() - at < Expiry;
}
