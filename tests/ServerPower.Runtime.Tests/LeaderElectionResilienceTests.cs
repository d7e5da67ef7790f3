using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>
/// Transport errors on the Lease, release on shutdown, and work in flight when leadership ends. KubernetesClient's
/// LeaderElector runs on real time: short periods, assertions on events and state only.
/// </summary>
public sealed class LeaderElectionResilienceTests
{
    private static readonly LeaderElectionOptions Quick = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1),
        RetryPeriod = TimeSpan.FromMilliseconds(100),
    };

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<LockOperation, string> TransportErrors => new()
    {
        { LockOperation.Get, "connection" },
        { LockOperation.Update, "connection" },
        { LockOperation.Get, "timeout" },
        { LockOperation.Update, "io" },
    };

    [Theory]
    [MemberData(nameof(TransportErrors))]
    public async Task Leadership_survives_lease_errors_that_end_before_the_renew_deadline(LockOperation operation, string kind)
    {
        var options = Quick with { LeaseDuration = TimeSpan.FromSeconds(20), RenewDeadline = TimeSpan.FromSeconds(10) };
        var fakeLock = new FakeLock("me");
        var metrics = new RecordingMetrics();
        var election = new LeaderElection(options, fakeLock, NullLogger.Instance, metrics);
        var changes = Record(election);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = election.RunAsync(WaitForStop, cts.Token);
        await Eventually.Until(() => election.IsLeader, "leading");

        fakeLock.Fail(operation, 3, () => Error(kind));
        var writesBefore = fakeLock.Writes;
        await Eventually.Until(() => fakeLock.FailedCalls == 3 && fakeLock.Writes >= writesBefore + 2,
            "renewed again after three failed attempts");

        Assert.True(election.IsLeader);
        lock (changes) Assert.Equal([true], changes);
        Assert.True(metrics.Leader);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task Leadership_is_lost_when_lease_errors_outlast_the_renew_deadline_and_regained_after()
    {
        var options = Quick with { LeaseDuration = TimeSpan.FromSeconds(3), RenewDeadline = TimeSpan.FromSeconds(2) };
        var fakeLock = new FakeLock("me");
        var metrics = new RecordingMetrics();
        var election = new LeaderElection(options, fakeLock, NullLogger.Instance, metrics);
        var changes = Record(election);
        var failuresAtLoss = -1;
        election.LeadershipChanged += leading =>
        {
            if (!leading) Volatile.Write(ref failuresAtLoss, fakeLock.FailedCalls);
        };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = election.RunAsync(WaitForStop, cts.Token);
        await Eventually.Until(() => election.IsLeader, "leading");

        fakeLock.Fail(LockOperation.Update, int.MaxValue, () => Error("connection"));
        await Eventually.Until(() => !election.IsLeader, "leadership lost");
        Assert.True(Volatile.Read(ref failuresAtLoss) > 1, "kept retrying until the renew deadline");
        Assert.False(metrics.Leader);

        fakeLock.Heal();
        await Eventually.Until(() => election.IsLeader, "leading again");
        lock (changes) Assert.Equal([true, false, true], changes);
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task Shutdown_releases_the_lease_after_the_work_has_ended()
    {
        var fakeLock = new FakeLock("me");
        var metrics = new RecordingMetrics();
        var election = new LeaderElection(Quick, fakeLock, NullLogger.Instance, metrics);
        string? holderWhenWorkEnded = null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = election.RunAsync(async stop =>
        {
            await WaitForStop(stop);
            holderWhenWorkEnded = fakeLock.Record?.HolderIdentity;
        }, cts.Token);
        await Eventually.Until(() => election.IsLeader, "leading");

        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);

        Assert.Equal("me", holderWhenWorkEnded);
        var lease = fakeLock.Record!;
        Assert.Equal("", lease.HolderIdentity);
        Assert.Equal(1, lease.LeaseDurationSeconds);
        Assert.False(election.IsLeader);
        Assert.False(metrics.Leader);
    }

    [Fact]
    public async Task A_released_lease_is_taken_over_before_it_would_have_expired()
    {
        // The lease lasts longer than Eventually waits: the other replica can only lead in time if the lease was released.
        var options = Quick with { LeaseDuration = Eventually.Deadline * 2 };
        var first = new FakeLock("first");
        var second = first.SharedWith("second");
        var firstElection = new LeaderElection(options, first, NullLogger.Instance);
        var secondElection = new LeaderElection(options, second, NullLogger.Instance);
        using var firstCts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var secondCts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var firstRun = firstElection.RunAsync(WaitForStop, firstCts.Token);
        await Eventually.Until(() => firstElection.IsLeader, "first leads");
        var secondRun = secondElection.RunAsync(WaitForStop, secondCts.Token);

        await firstCts.CancelAsync();
        await firstRun.WaitAsync(Eventually.Deadline, Ct);

        await Eventually.Until(() => secondElection.IsLeader, "second leads");
        Assert.Equal("second", second.Record!.HolderIdentity);
        await secondCts.CancelAsync();
        await secondRun.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public async Task Losing_leadership_lets_the_reconcile_in_flight_finish_and_starts_no_new_key_until_the_next_term()
    {
        var a = new ObjectKey("ns", "a");
        var b = new ObjectKey("ns", "b");
        var fakeLock = new FakeLock("me");
        var election = new LeaderElection(Quick, fakeLock, NullLogger.Instance);
        var events = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool? tokenCancelledAtEnd = null;
        var reconciler = new RecordingReconciler(async (key, _, token) =>
        {
            if (key != a)
            {
                events.Enqueue(key.Name);
                return ReconcileResult.Done;
            }
            events.Enqueue("a-start");
            await release.Task.WaitAsync(token);
            tokenCancelledAtEnd = token.IsCancellationRequested;
            events.Enqueue("a-end");
            return ReconcileResult.Done;
        });
        var metrics = new RecordingMetrics();
        var controller = new Controller("servers", new WorkQueue("servers"), reconciler, () => [], null, NullLogger.Instance, metrics);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = election.RunAsync(async stop =>
        {
            events.Enqueue("term");
            await controller.RunAsync(stop);
            events.Enqueue("term-end");
        }, cts.Token);
        await Eventually.Until(() => election.IsLeader, "leading");
        controller.Enqueue(a);
        await Eventually.Until(() => events.Contains("a-start"), "a in flight");

        fakeLock.Close();
        await Eventually.Until(() => !election.IsLeader, "leadership lost");
        controller.Enqueue(b);
        fakeLock.Open();
        release.SetResult();

        await Eventually.Until(() => election.IsLeader && metrics.Reconciles.Count == 2, "b reconciled in the next term");
        Assert.False(tokenCancelledAtEnd);
        Assert.Equal(["term", "a-start", "a-end", "term-end", "term", "b"], events);
        Assert.Equal(["success", "success"], metrics.Reconciles.Select(r => r.Result));
        await cts.CancelAsync();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    private static List<bool> Record(LeaderElection election)
    {
        var changes = new List<bool>();
        election.LeadershipChanged += leading =>
        {
            lock (changes) changes.Add(leading);
        };
        return changes;
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

    private static Exception Error(string kind) => kind switch
    {
        "connection" => new HttpRequestException("Connection refused (kubernetes.default.svc:443)"),
        "timeout" => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout",
            new TimeoutException()),
        "io" => new IOException("The response ended prematurely."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
