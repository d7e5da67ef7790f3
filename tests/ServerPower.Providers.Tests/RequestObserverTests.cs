using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Http;
using ServerPower.Providers.Tests.Support;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Providers.Tests;

/// <summary>Request observers see exactly the HTTP requests that went out, one each, with provider, account, operation and status.</summary>
public sealed class RequestObserverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Recorder recorder = new();

    [Fact]
    public async Task Single_reads_served_from_one_listing_are_one_read_all_request()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wenium, cancellationToken: Ct);
        for (var i = 1; i <= 20; i++) simulator.Servers.Add(i.ToString(), SimPowerState.Running);
        using var harness = new ProviderHarness(options => options.BatchReadMaxAge = TimeSpan.FromMinutes(5), observer: recorder);
        var provider = harness.For(simulator);

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => provider.ReadAsync(i.ToString(), Ct)));
        await provider.ReadAsync("3", Ct);

        var request = Assert.Single(recorder.Requests);
        Assert.Equal((ProviderType.Wenium, ProviderOperations.ReadAll, "GET", "2xx"),
            (request.Provider, request.Operation, request.Method.Method, request.StatusClass));
        Assert.Single(simulator.Requests.Snapshot());
    }

    [Fact]
    public async Task Probes_reads_and_actions_are_named_by_what_they_are_for()
    {
        await using var simulator = await ProviderSimulators.StartAsync(ProviderType.Wings, cancellationToken: Ct);
        const string uuid = "3f0c2a9e-0000-4000-8000-000000000001";
        simulator.Servers.Add(uuid, SimPowerState.Offline);
        using var harness = new ProviderHarness(options => options.CoalesceBatchReads = false, observer: recorder);
        var provider = harness.For(simulator);

        await provider.ProbeAsync(Ct);
        await provider.ReadAsync(uuid, Ct);
        await provider.SendAsync(uuid, ActionType.Start, null, Ct);
        await provider.SendAsync(uuid, ActionType.Restart, null, Ct);
        await provider.ReadAsync("..", Ct); // an id that would change the path: refused before any request

        Assert.Equal(
            [(ProviderOperations.Read, "GET"), (ProviderOperations.Read, "GET"), (ProviderOperations.Action, "POST"),
             (ProviderOperations.DestructiveAction, "POST")],
            recorder.Requests.Select(r => (r.Operation, r.Method.Method)));
        Assert.All(recorder.Requests, r => Assert.Equal(ProviderType.Wings, r.Provider));
        Assert.Equal(simulator.Requests.Snapshot().Count, recorder.Requests.Count);
    }

    [Fact]
    public async Task Each_attempt_of_a_retried_call_that_got_no_answer_is_one_request_and_a_rate_limited_call_is_none()
    {
        using var harness = new ProviderHarness(options => options.MaxAttempts = 3, observer: recorder);
        var closed = ClosedPort();
        var account = new ProviderAccount("ns/down", ProviderType.Wenium, new Uri($"http://127.0.0.1:{closed}/api"),
            new SecretValue("token"), new RateLimitSpec { RequestsPerSecond = 0.001, Burst = 3 }, 1);
        var provider = harness.Factory.Get(account);

        var outcome = await provider.ProbeAsync(Ct);
        var refused = await provider.ProbeAsync(Ct);

        Assert.Equal(OutcomeKind.Unavailable, outcome.Kind);
        Assert.Equal((OutcomeKind.RateLimited, true), (refused.Kind, refused.NotSent));
        Assert.Equal(3, recorder.Requests.Count);
        Assert.All(recorder.Requests, r => Assert.Equal((ProviderOperations.Read, "error", (int?)null), (r.Operation, r.StatusClass, r.StatusCode)));
        Assert.All(recorder.Requests, r => Assert.Equal("ns/down", r.Account));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Recorder : IProviderRequestObserver
    {
        private readonly ConcurrentQueue<ProviderRequestRecord> requests = new();

        public IReadOnlyList<ProviderRequestRecord> Requests => [.. requests];

        public void Completed(ProviderRequestRecord request) => requests.Enqueue(request);
    }
}
