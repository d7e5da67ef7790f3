using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Providers.Wings;

namespace ServerPower.Providers.Tests;

/// <summary>Circuit observers (the operator's circuit gauge) see an account's circuit closed at first, open, then closed again.</summary>
public sealed class CircuitObserverTests
{
    private const string Uuid = "3f0c2a9e-0000-4000-8000-000000000001";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Observers_see_the_circuit_closed_when_the_account_is_first_used_then_open_then_closed_after_a_good_trial()
    {
        await using var simulator = await WingsSimulator.StartAsync(cancellationToken: Ct);
        simulator.Servers.Add(Uuid, SimPowerState.Running);
        var time = new FakeTimeProvider();
        var circuits = new Recorder();
        using var harness = new ProviderHarness(options =>
        {
            options.BreakerMinimumThroughput = 3;
            options.BreakerFailureRatio = 1.0;
            options.BreakerBreakDuration = TimeSpan.FromSeconds(30);
        }, time, circuits: circuits);
        var provider = harness.For(simulator);
        Assert.Equal([("ns/provider", false)], circuits.Changes);

        simulator.Faults.Respond(503, count: 3, body: """{"error":"down"}""");
        for (var i = 0; i < 3; i++) await provider.SendAsync(Uuid, ActionType.Kill, null, Ct);
        Assert.Equal([("ns/provider", false), ("ns/provider", true)], circuits.Changes);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(OutcomeKind.Accepted, (await provider.SendAsync(Uuid, ActionType.Kill, null, Ct)).Kind);
        Assert.Equal([("ns/provider", false), ("ns/provider", true), ("ns/provider", false)], circuits.Changes);
    }

    private sealed class Recorder : IProviderCircuitObserver
    {
        private readonly ConcurrentQueue<(string, bool)> changes = new();

        public IReadOnlyList<(string, bool)> Changes => [.. changes];

        public void CircuitChanged(string accountKey, bool open) => changes.Enqueue((accountKey, open));
    }
}
