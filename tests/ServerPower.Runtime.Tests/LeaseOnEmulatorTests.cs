using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Operator.Runtime;
using ServerPower.Sandbox.Kubernetes;

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
