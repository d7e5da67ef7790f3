namespace ServerPower.Sandbox.Kubernetes.Faults;

/// <summary>One rule added to <see cref="ApiFaults"/>: how often it matched and struck; disposing it removes it.</summary>
public sealed class ApiFaultHandle : IDisposable
{
    private readonly ApiFaults owner;
    private int seen;
    private int hits;

    internal ApiFaultHandle(ApiFaults owner, ApiFaultRule rule)
    {
        this.owner = owner;
        Rule = rule;
    }

    public ApiFaultRule Rule { get; }

    /// <summary>Matching requests seen, the skipped ones included.</summary>
    public int Seen => Volatile.Read(ref seen);

    /// <summary>Requests the fault was applied to.</summary>
    public int Hits => Volatile.Read(ref hits);

    /// <summary>False once its <see cref="ApiFaultRule.Times"/> are used up or it was removed.</summary>
    public bool Active => owner.Contains(this);

    public void Dispose() => owner.Remove(this);

    /// <summary>Called under the owner's lock: counts the request and says whether the fault applies to it.</summary>
    internal bool Strike()
    {
        if (++seen <= Rule.Skip) return false;
        hits++;
        return true;
    }

    internal bool UsedUp => Rule.Times is { } times && hits >= times;
}
