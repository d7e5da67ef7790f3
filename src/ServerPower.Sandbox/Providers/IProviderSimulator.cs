using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Sandbox.Providers;

/// <summary>What the sandbox, the benchmark and tests need of any provider simulator.</summary>
public interface IProviderSimulator : IAsyncDisposable
{
    ProviderType Type { get; }

    /// <summary>The endpoint to give a PowerProvider (Wenium's includes its "/api" prefix).</summary>
    Uri BaseAddress { get; }

    /// <summary>The bearer token the simulator accepts.</summary>
    string Token { get; }

    RequestLog Requests { get; }

    /// <summary>Requests answered 429 by the simulator's own rate limit.</summary>
    long TooManyRequestsAnswered { get; }

    FaultInjector Faults { get; }

    /// <summary>Action requests received, per server and action (faulted ones included).</summary>
    ActionLog Actions { get; }

    /// <summary>Console commands delivered to servers (always empty for providers without a console).</summary>
    CommandLog Commands { get; }

    ServerStore Servers { get; }

    /// <summary>Adds a server with an id valid for this provider (Wenium: an integer).</summary>
    SimulatedServer AddServer(string id, SimPowerState state = SimPowerState.Offline) => Servers.Add(id, state);
}
