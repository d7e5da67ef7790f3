using ServerPower.Api.Resources;
using ServerPower.RateLimiting;

namespace ServerPower.Providers.Resilience;

/// <summary>
/// What bounds one account, kept per account key by the factory so that it holds across changes of the account
/// (a rotated token, a new endpoint, new limits), each of which gets a new provider instance: the wait a provider
/// asked for with a 429, the actions in flight, and the token bucket with the turns of the servers waiting for it.
/// <see cref="Apply"/> sets the PowerProvider's current limits in place: a new rate or bound applies at once, to
/// calls of every instance of the account, and the calls still open count.
/// </summary>
internal sealed class AccountLimits(ProviderOptions options, TimeProvider timeProvider)
{
    private readonly Lock gate = new();
    private Rate? rate;

    /// <summary>The account's bucket and the turns of the servers waiting for it.</summary>
    public sealed record Rate(TokenBucket Bucket, ActionPacer Pacer, RateLimitSpec Spec);

    /// <summary>The wait a provider asked of this account with a 429.</summary>
    public AccountThrottle Throttle { get; } = new(options, timeProvider);

    /// <summary>The account's actions in flight.</summary>
    public ActionSlots Slots { get; } = new();

    /// <summary>Tokens of the rate limit taken for servers whose action was told it may go.</summary>
    public ActionReservations Reservations { get; } = new(timeProvider);

    /// <summary>The account's rate limit; null when it has none.</summary>
    public Rate? Current
    {
        get { lock (gate) return rate; }
    }

    /// <summary>
    /// The rate limit's part of <see cref="ProviderPipeline.ActionWait"/>: null when an action for
    /// <paramref name="serverId"/> may go now (no rate limit, a token already reserved for it, or its turn has come and a
    /// token is reserved for it now); else how long until it asks again (its turn, or the bucket's next token).
    /// </summary>
    public TimeSpan? TurnFor(string serverId)
    {
        if (Current is not { } current || Reservations.Holds(serverId)) return null;
        if (current.Pacer.Wait(serverId, current.Bucket.Peek()) is { } turn) return turn;
        if (!current.Bucket.TryTake(out var next)) return next;
        Reservations.Add(serverId);
        return null;
    }

    /// <summary>
    /// Takes the token one request needs: the one reserved for <paramref name="serverId"/> (an action told to go), or one
    /// from the bucket. Null when the request may be sent; else the rate that refused it, with the wait for its next token.
    /// </summary>
    public Rate? Refusing(string? serverId, out TimeSpan next)
    {
        next = TimeSpan.Zero;
        var reserved = serverId is not null && Reservations.TryUse(serverId);
        return Current is { } current && !reserved && !current.Bucket.TryTake(out next) ? current : null;
    }

    /// <summary>The account's limits from now on (the same ones again change nothing).</summary>
    public void Apply(RateLimitSpec? spec, int maxConcurrentActions)
    {
        Slots.Limit = maxConcurrentActions;
        lock (gate)
        {
            if (spec is null)
            {
                rate = null;
            }
            else if (rate is null)
            {
                rate = new Rate(new TokenBucket(spec.RequestsPerSecond, spec.Burst, timeProvider),
                    new ActionPacer(spec.RequestsPerSecond, timeProvider), spec);
            }
            else if (rate.Spec != spec)
            {
                rate.Bucket.Reconfigure(spec.RequestsPerSecond, spec.Burst);
                rate.Pacer.Reconfigure(spec.RequestsPerSecond);
                rate = rate with { Spec = spec };
            }
        }
    }
}
