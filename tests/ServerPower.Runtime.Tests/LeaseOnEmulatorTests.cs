using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.Kubernetes;
using ServerPower.Runtime;
using ServerPower.Sandbox.Kubernetes;
using ServerPower.Sandbox.Kubernetes.Faults;

namespace ServerPower.Runtime.Tests;

/// <summary>The real LeaseLock and LeaderElector against the Kubernetes API emulator on 127.0.0.1.</summary>
public sealed class LeaseOnEmulatorTests
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dropped_lease_requests_do_not_end_leadership_and_shutdown_hands_the_lease_over()
    {
        await using var emulator = await KubeApiEmulator.StartAsync(cancellationToken: Ct);
        var dir = Directory.CreateTempSubdirectory("runtime-tests-");
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(emulator.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig")));
        var options = new LeaderElectionOptions
        {
            LeaseName = "serverpower-operator",
            LeaseNamespace = "default",
            // Longer than Eventually waits: the second replica can only lead in time if the lease was released.
            LeaseDuration = Eventually.Deadline * 2,
            RenewDeadline = TimeSpan.FromSeconds(10),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        };
        var flaky = new FailingHandler();
        using var firstClient = new k8s.Kubernetes(config, flaky);
        using var secondClient = new k8s.Kubernetes(config);
        var first = LeaderElection.ForLease(firstClient, options with { Identity = "first" }, NullLogger.Instance);
        var second = LeaderElection.ForLease(secondClient, options with { Identity = "second" }, NullLogger.Instance);
        var changes = new List<bool>();
        first.LeadershipChanged += leading =>
        {
            lock (changes) changes.Add(leading);
        };
        using var firstCts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var secondCts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var firstRun = first.RunAsync(WaitForStop, firstCts.Token);
        await Eventually.Until(() => first.IsLeader, "first leads");

        flaky.FailNext(3);
        var passedBefore = flaky.Passed;
        await Eventually.Until(() => flaky.Failed == 3 && flaky.Passed >= passedBefore + 4, "renewing again after three dropped requests");
        Assert.True(first.IsLeader);
        lock (changes) Assert.Equal([true], changes);

        await firstCts.CancelAsync();
        await firstRun.WaitAsync(Eventually.Deadline, Ct);
        var spec = emulator.GetObject("coordination.k8s.io", "leases", "default", "serverpower-operator")!["spec"]!;
        Assert.Equal("", (string?)spec["holderIdentity"]);
        Assert.Equal(1, (int?)spec["leaseDurationSeconds"]);

        var secondRun = second.RunAsync(WaitForStop, secondCts.Token);
        await Eventually.Until(() => second.IsLeader, "second leads");
        await secondCts.CancelAsync();
        await secondRun.WaitAsync(Eventually.Deadline, Ct);
        dir.Delete(recursive: true);
    }

    public static TheoryData<string> TransportFaults => new() { "get-dropped", "update-dropped", "update-dropped-after-commit", "get-hangs" };

    /// <summary>
    /// The API server side of the same story: the emulator drops the connection of a lease GET or PUT (before or after
    /// the renewal is stored), or never answers a GET. The operator's client (<see cref="KubernetesConfig"/>: per-call
    /// timeout, HTTP/2 with keep-alive pings over TLS) turns each into a failed attempt, and the next renewal, within
    /// the renew deadline, keeps the lease.
    /// </summary>
    [Theory, MemberData(nameof(TransportFaults))]
    public async Task A_lease_request_failing_at_the_transport_at_the_server_does_not_end_leadership(string fault)
    {
        await using var emulator = await KubeApiEmulator.StartAsync(new KubeApiEmulatorOptions { Https = true }, Ct);
        var dir = Directory.CreateTempSubdirectory("runtime-tests-");
        using var client = KubernetesConfig.CreateClient(KubernetesConfig.Load(emulator.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"))));
        var options = new LeaderElectionOptions
        {
            LeaseName = "serverpower-operator",
            LeaseNamespace = "default",
            Identity = "only",
            LeaseDuration = TimeSpan.FromSeconds(15),
            RenewDeadline = TimeSpan.FromSeconds(10),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        };
        var election = LeaderElection.ForLease(client, options, NullLogger.Instance);
        var changes = new List<bool>();
        election.LeadershipChanged += leading =>
        {
            lock (changes) changes.Add(leading);
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = election.RunAsync(WaitForStop, cts.Token);
        await Eventually.Until(() => election.IsLeader, "leading");

        using var injected = fault switch
        {
            "get-dropped" => emulator.Faults.DropConnection("get", "leases", times: 2),
            "update-dropped" => emulator.Faults.DropConnection("update", "leases", times: 2),
            "update-dropped-after-commit" => emulator.Faults.DropConnection("update", "leases", afterCommit: true, times: 2),
            _ => emulator.Faults.Hang("get", "leases"),
        };
        await Eventually.Until(() => !injected.Active, "the faults struck");
        var renewalsAfter = emulator.CountRequests("leases", "", "update") + 2;
        await Eventually.Until(() => emulator.CountRequests("leases", "", "update") >= renewalsAfter, "renewing again");

        Assert.True(election.IsLeader);
        lock (changes) Assert.Equal([true], changes);
        Assert.Equal(FieldManager.Name, Assert.Single(emulator.RequestCounts.Keys, k => k is { Resource: "leases", Verb: "update" }).FieldManager);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
        dir.Delete(recursive: true);
    }

    private static async Task WaitForStop(CancellationToken stop)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
