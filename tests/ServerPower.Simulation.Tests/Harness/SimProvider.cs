using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Simulation.Tests.Harness;

/// <summary>
/// The provider edge the reconciler talks to (what an adapter returns after its own retries): each call waits for
/// its request to travel, meets the world or an injected fault, is recorded, then waits for its answer to travel
/// back. An operator that dies between the two waits sent a request whose answer it never saw.
/// </summary>
internal sealed class SimProvider(SimContext sim, FiberScheduler fibers, ProviderWorld world, FaultPlan faults, Monitor monitor, ProviderAccount account,
    Providers.Resilience.AccountLimits limits) : IPowerProvider
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public ProviderType Type => account.Type;

    public ProviderCapabilities Capabilities { get; } = SimCapabilities.Of(account.Type);

    private bool CredentialValid => account.Credential.Reveal() == ProviderWorld.ValidCredential;

    public async Task<ReadResult> ReadAsync(string serverId, CancellationToken cancellationToken)
    {
        if (!Capabilities.CanReadState) return ReadResult.Failed(ProviderOutcome.Unsupported($"{Type} cannot report state"));
        var fiber = await fibers.ParkAsync($"provider read {serverId}", Latency(), cancellationToken);
        var (fault, retryAfter) = CredentialValid ? faults.NextProviderFault() : (ProviderFault.None, null);
        var result = !CredentialValid ? ReadResult.Failed(new ProviderOutcome(OutcomeKind.Unauthorized, "HTTP 401"))
            : fault switch
            {
                ProviderFault.None => world.Read(serverId) is { } observed
                    ? ReadResult.Of(observed)
                    : ReadResult.Failed(new ProviderOutcome(OutcomeKind.NotFound, $"server {serverId} not found")),
                _ => ReadResult.Failed(FaultOutcome(fault, retryAfter)),
            };
        if (fault != ProviderFault.None) sim.Fault($"{fiber.Name}: provider read {serverId} meets {fault}");
        monitor.OnProviderRequest(fiber, serverId, null, result.Outcome, false, result.Server);
        await fibers.ParkAsync("provider read answer", fault == ProviderFault.Timeout ? RequestTimeout : Latency(), cancellationToken);
        return result;
    }

    public async Task<ProviderOutcome> SendAsync(string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
    {
        if (!Capabilities.Supports(action)) return ProviderOutcome.Unsupported($"{Type} has no {action}");
        // The account's own limits refuse before any request, as the real pipeline does.
        if (limits.Current is { } rate && !rate.Bucket.TryTake(out var next))
            return new ProviderOutcome(OutcomeKind.RateLimited, "the account's own rate limit has no token now", next, NotSent: true, OwnLimit: true);
        using var slot = limits.Slots.TryTake();
        if (slot is null)
            return new ProviderOutcome(OutcomeKind.RateLimited, "every action slot of the account is in use", TimeSpan.FromSeconds(1), NotSent: true, OwnLimit: true);
        using var inFlight = monitor.OnActionInFlight(limits, account.Key, limits.Slots.Limit);
        var fiber = await fibers.ParkAsync($"provider send {action} {serverId}", Latency(), cancellationToken);
        var (fault, retryAfter) = CredentialValid ? faults.NextProviderFault() : (ProviderFault.None, null);
        var applied = false;
        ProviderOutcome outcome;
        if (!CredentialValid)
        {
            outcome = new ProviderOutcome(OutcomeKind.Unauthorized, "HTTP 401");
        }
        else
        {
            switch (fault)
            {
                case ProviderFault.None:
                    outcome = world.Apply(serverId, action);
                    applied = outcome.IsAccepted;
                    break;
                case ProviderFault.Timeout:
                    // The request may or may not have been carried out; the answer never came.
                    applied = sim.Chance(0.5) && world.Apply(serverId, action).IsAccepted;
                    outcome = FaultOutcome(fault, retryAfter);
                    break;
                case ProviderFault.Unreadable:
                    // The provider did it and answered, but the answer was not what the adapter can read.
                    applied = world.Apply(serverId, action).IsAccepted;
                    outcome = FaultOutcome(fault, retryAfter) with { MayHaveReachedProvider = true };
                    break;
                default:
                    outcome = FaultOutcome(fault, retryAfter);
                    break;
            }
            if (fault != ProviderFault.None) sim.Fault($"{fiber.Name}: provider {action} {serverId} meets {fault}{(applied ? " (carried out)" : "")}");
        }
        monitor.OnProviderRequest(fiber, serverId, action, outcome, applied, null);
        await fibers.ParkAsync($"provider {action} answer", fault == ProviderFault.Timeout ? RequestTimeout : Latency(), cancellationToken);
        return outcome;
    }

    public Task<BatchReadResult> ReadAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new BatchReadResult(ProviderOutcome.Unsupported("the simulation reads one server at a time"), new Dictionary<string, ObservedServer>()));

    public Task<ProviderOutcome> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(ProviderOutcome.Accepted());

    /// <summary>The simulated providers have no console (as Wenium and HEO).</summary>
    public Task<ProviderOutcome> SendCommandAsync(string serverId, string command, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    private static ProviderOutcome FaultOutcome(ProviderFault fault, TimeSpan? retryAfter) => fault switch
    {
        ProviderFault.ServerError => new ProviderOutcome(OutcomeKind.Unavailable, "HTTP 503"),
        ProviderFault.ConnectionRefused => new ProviderOutcome(OutcomeKind.Unavailable, "connection refused"),
        ProviderFault.Timeout => new ProviderOutcome(OutcomeKind.Unavailable, "no answer within 10 s", MayHaveReachedProvider: true),
        ProviderFault.RateLimited => new ProviderOutcome(OutcomeKind.RateLimited, "HTTP 429", retryAfter),
        ProviderFault.Unreadable => new ProviderOutcome(OutcomeKind.Unavailable, "unreadable answer: HTML where JSON was expected"),
        ProviderFault.NotFound => new ProviderOutcome(OutcomeKind.NotFound, "HTTP 404"),
        ProviderFault.Forbidden => new ProviderOutcome(OutcomeKind.Forbidden, "HTTP 403"),
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    private TimeSpan Latency() => TimeSpan.FromMilliseconds(sim.Rng.Next(20, 300));
}
