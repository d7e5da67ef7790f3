using ServerPower.Api.Resources;

namespace ServerPower.Providers.Contract;

/// <summary>A server's power state as the provider reported it: mapped, and the raw value kept.</summary>
public sealed record ObservedServer(PowerState Power, string RawState);

/// <summary>The answer to a state read: <see cref="Server"/> is set exactly when the outcome is Accepted.</summary>
public sealed record ReadResult(ProviderOutcome Outcome, ObservedServer? Server)
{
    public static ReadResult Of(ObservedServer server) => new(ProviderOutcome.Accepted(), server);

    public static ReadResult Failed(ProviderOutcome outcome) => new(outcome, null);
}

/// <summary>The answer to a batch read of every server of the account, keyed by server id.</summary>
public sealed record BatchReadResult(ProviderOutcome Outcome, IReadOnlyDictionary<string, ObservedServer> Servers);
