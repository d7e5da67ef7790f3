using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>KubernetesClient's LeaderElector runs on real time, so these use short lease periods and wait on conditions.</summary>
public sealed class LeaderElectionTests
{
    private static readonly LeaderElectionOptions Quick = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1),
        RetryPeriod = TimeSpan.FromMilliseconds(100),
    };

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workers_run_only_while_leading_stop_on_loss_and_restart_on_regain()
    {
        var fakeLock = new FakeLock("me");
        var metrics = new RecordingMetrics();
        var election = new LeaderElection(Quick, fakeLock, NullLogger.Instance, metrics);
        var changes = new List<bool>();
        election.LeadershipChanged += leading => { lock (changes) changes.Add(leading); };
        var reconciler = new RecordingReconciler();
        var queue = new WorkQueue("servers");
        var controller = new Controller("servers", queue, reconciler, () => [], null, NullLogger.Instance);
        var runs = 0;
        var running = 0;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = election.RunAsync(async leading =>
        {
            Interlocked.Increment(ref runs);
            Interlocked.Increment(ref running);
            try
            {
                await controller.RunAsync(leading);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }, cts.Token);

        await Eventually.Until(() => election.IsLeader && Volatile.Read(ref running) == 1, "leading with workers");
        controller.Enqueue(new ObjectKey("ns", "a"));
        await Eventually.Until(() => reconciler.TotalCalls == 1, "reconciled while leading");
        Assert.True(metrics.Leader);

        fakeLock.Close();
        await Eventually.Until(() => !election.IsLeader && Volatile.Read(ref running) == 0, "workers stopped after the loss");
        Assert.False(metrics.Leader);
        controller.Enqueue(new ObjectKey("ns", "b"));
        Assert.Equal(1, queue.Length);

        fakeLock.Open();
        await Eventually.Until(() => election.IsLeader && reconciler.Calls(new ObjectKey("ns", "b")) == 1, "leading again and reconciling");
        Assert.Equal(2, Volatile.Read(ref runs));
        lock (changes) Assert.Equal([true, false, true], changes);

        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
        Assert.False(election.IsLeader);
        Assert.Equal(0, Volatile.Read(ref running));
    }

    [Fact]
    public async Task Disabled_election_is_always_leader()
    {
        var election = new LeaderElection(new LeaderElectionOptions { Enabled = false }, null, NullLogger.Instance);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = election.RunAsync(async leading =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, leading).ContinueWith(_ => { }, TaskScheduler.Default);
        }, cts.Token);

        await started.Task.WaitAsync(Eventually.Deadline, Ct);
        Assert.True(election.IsLeader);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
        Assert.False(election.IsLeader);
    }

    [Fact]
    public void The_lease_is_named_after_the_operator_by_default()
    {
        Assert.Equal("serverpower-operator", new LeaderElectionOptions().LeaseName);
    }

    [Fact]
    public void The_identity_is_the_given_one_else_POD_NAME_else_the_host_name_with_a_random_suffix()
    {
        var options = new LeaderElectionOptions();
        Assert.Equal("pod-1", (options with { Identity = "pod-1" }).ResolveIdentity(Env(("POD_NAME", "pod-2"))));
        Assert.Equal("pod-2", options.ResolveIdentity(Env(("POD_NAME", "pod-2"))));

        var generated = options.ResolveIdentity(Env(("POD_NAME", "")));
        Assert.StartsWith(Environment.MachineName + "_", generated);
        Assert.Equal(Environment.MachineName.Length + 9, generated.Length);
        Assert.NotEqual(generated, options.ResolveIdentity(Env()));
    }

    [Fact]
    public void The_namespace_is_the_given_one_else_POD_NAMESPACE_else_the_service_account_s_else_default()
    {
        var options = new LeaderElectionOptions();
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        var podNamespace = Env(("POD_NAMESPACE", "pod-ns"));
        Assert.Equal("given", (options with { LeaseNamespace = "given" }).ResolveNamespace(podNamespace, missing));
        Assert.Equal("pod-ns", (options with { LeaseNamespace = "" }).ResolveNamespace(podNamespace, missing));
        Assert.Equal("pod-ns", options.ResolveNamespace(podNamespace, missing));
        Assert.Equal("default", options.ResolveNamespace(Env(("POD_NAMESPACE", "")), missing));

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, " account-ns\n");
            Assert.Equal("account-ns", options.ResolveNamespace(Env(), file));
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount/namespace", LeaderElectionOptions.ServiceAccountNamespaceFile);
    }

    [Fact]
    public void The_identity_is_unique_per_process_unless_given()
    {
        var options = new LeaderElectionOptions();
        Assert.Equal("pod-1", (options with { Identity = "pod-1" }).ResolveIdentity());
        if (Environment.GetEnvironmentVariable("POD_NAME") is null)
            Assert.NotEqual(options.ResolveIdentity(), options.ResolveIdentity());
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
