using k8s.LeaderElection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>
/// The term logic of <see cref="LeaderElection"/> one step at a time: a <see cref="StepElector"/> per attempt, the
/// Dispatch seam's steps run by the test (<see cref="Steps"/>), the retry delay a task the test completes. Between two
/// calls the election is quiet, so each assertion is on a settled state, never on timing.
/// </summary>
public sealed class LeaderElectionStepTests
{
    private static readonly LeaderElectionOptions Options = new() { RetryPeriod = TimeSpan.FromSeconds(7) };

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_term_runs_the_work_from_gain_to_loss_and_the_next_attempt_waits_the_retry_period()
    {
        using var h = new Harness();
        var run = h.Run();
        var first = Assert.Single(h.Electors);

        first.Gain();
        h.Steps.RunAll();
        Assert.True(h.Election.IsLeader);
        Assert.Equal(1, h.WorkStarted);

        first.Lose();
        first.End();
        h.Steps.RunAll();
        Assert.False(h.Election.IsLeader);
        Assert.Equal(0, h.Working);
        Assert.True(first.Token.IsCancellationRequested);
        Assert.Equal([Options.RetryPeriod], h.Delays);
        Assert.Single(h.Electors);

        h.EndDelay();
        Assert.Equal(2, h.Electors.Count);
        Assert.Equal([true, false], h.Changes);
        h.ShutDown();
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Without_the_delay_seam_the_retry_waits_the_retry_period_on_the_given_clock()
    {
        var clock = new FakeTimeProvider();
        var options = Options with { RetryPeriod = TimeSpan.FromHours(1) };
        using var h = new Harness(options, clock, useDelaySeam: false);
        var run = h.Run();
        Assert.Single(h.Electors).End();
        h.Steps.RunAll();

        clock.Advance(options.RetryPeriod - TimeSpan.FromTicks(1));
        Assert.Single(h.Electors);
        clock.Advance(TimeSpan.FromTicks(1));
        await Eventually.Until(() => h.Electors.Count == 2, "the second attempt after the retry period");
        h.ShutDown();
        await run.WaitAsync(Eventually.Deadline, Ct);
    }

    [Fact]
    public void After_a_loss_the_elector_is_stopped_before_the_work_has_drained()
    {
        using var h = new Harness();
        var drain = new TaskCompletionSource();
        var run = h.Run(_ => drain.Task);
        var elector = h.Electors[0];
        elector.Gain();
        h.Steps.RunAll();

        elector.Lose();
        elector.End();
        h.Steps.RunAll();
        Assert.True(elector.Token.IsCancellationRequested, "the elector (and the renew loop it may leave) stopped");
        Assert.Empty(h.Delays);

        drain.SetResult();
        h.Steps.RunAll();
        Assert.Single(h.Delays);
        h.ShutDown();
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task At_shutdown_the_lease_is_renewed_while_the_work_drains_and_released_after()
    {
        using var h = new Harness();
        await h.HoldLease("me");
        var drain = new TaskCompletionSource();
        var run = h.Run(_ => drain.Task);
        var elector = h.Electors[0];
        elector.Gain();
        h.Steps.RunAll();

        h.Shutdown.Cancel();
        h.Steps.RunAll();
        Assert.False(elector.Token.IsCancellationRequested, "the elector keeps renewing while the work drains");
        Assert.Equal("me", h.Lock.Record!.HolderIdentity);

        drain.SetResult();
        h.Steps.RunAll();
        Assert.True(elector.Token.IsCancellationRequested);
        Assert.Equal("", h.Lock.Record!.HolderIdentity);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task At_shutdown_the_lease_is_released_only_once_the_elector_has_ended()
    {
        using var h = new Harness();
        await h.HoldLease("me");
        var run = h.Run();
        var elector = h.Electors[0];
        elector.EndsWhenStopped = false; // a renew still in flight when it is stopped
        elector.Gain();
        h.Steps.RunAll();

        h.Shutdown.Cancel();
        h.Steps.RunAll();
        Assert.True(elector.Token.IsCancellationRequested);
        Assert.Equal("me", h.Lock.Record!.HolderIdentity);
        Assert.False(run.IsCompleted);

        elector.Lose();
        elector.End();
        h.Steps.RunAll();
        Assert.Equal("", h.Lock.Record!.HolderIdentity);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_lease_won_as_shutdown_begins_starts_no_work_and_is_released()
    {
        using var h = new Harness();
        await h.HoldLease("me");
        var run = h.Run();
        var elector = h.Electors[0];
        elector.WhenStopped = () => elector.Gain();

        h.ShutDown();
        Assert.Equal(0, h.WorkStarted);
        Assert.Empty(h.Changes);
        Assert.Equal("", h.Lock.Record!.HolderIdentity);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_lease_lost_before_shutdown_is_not_released()
    {
        using var h = new Harness();
        await h.HoldLease("me");
        var run = h.Run();
        var elector = h.Electors[0];
        elector.Gain();
        h.Steps.RunAll();

        elector.Lose(); // the elector has not returned yet when the shutdown comes
        h.ShutDown();
        Assert.Equal("me", h.Lock.Record!.HolderIdentity);
        Assert.Equal([true, false], h.Changes);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task At_shutdown_a_lease_this_attempt_never_won_is_not_released()
    {
        using var h = new Harness();
        await h.HoldLease("me"); // named by an earlier process of this pod, say
        var run = h.Run();

        h.ShutDown();
        Assert.Equal("me", h.Lock.Record!.HolderIdentity);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task At_shutdown_a_lease_held_by_another_replica_is_left_alone()
    {
        using var h = new Harness();
        await h.HoldLease("other");
        var run = h.Run();
        h.Electors[0].Gain();
        h.Steps.RunAll();

        h.ShutDown();
        var lease = h.Lock.Record!;
        Assert.Equal("other", lease.HolderIdentity);
        Assert.Equal(15, lease.LeaseDurationSeconds);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public void The_elector_s_new_leaders_and_errors_are_logged()
    {
        var capture = new LogCapture();
        using var h = new Harness(logger: capture.CreateLogger("election"));
        var run = h.Run();
        var elector = h.Electors[0];
        var error = new InvalidOperationException("lease call failed");

        elector.Gain("other");
        elector.Error(error);
        h.ShutDown();
        Assert.Contains(capture.Entries, e => e.Level == LogLevel.Information && e.Message == "Leader is now other");
        Assert.Contains(capture.Entries, e => e.Level == LogLevel.Debug && e.Message == "Leader election attempt failed" && e.Exception == error);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public void Under_the_dispatch_seam_the_shutdown_resumes_as_a_step_and_cancels_on_the_step_s_thread()
    {
        using var h = new Harness();
        var run = h.Run();
        var elector = h.Electors[0];
        elector.Gain();
        h.Steps.RunAll();

        h.Shutdown.Cancel();
        Assert.False(elector.Token.IsCancellationRequested, "resumed only as a step");
        Assert.Equal(1, h.Working);
        var thread = Environment.CurrentManagedThreadId;
        h.Steps.RunAll();
        Assert.Equal(0, h.Working);
        Assert.Equal(thread, elector.StoppedOnThread);
        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Without_the_dispatch_seam_a_shutdown_requested_inside_a_leadership_handler_resumes_after_it()
    {
        StepElector? elector = null;
        using var shutdown = new CancellationTokenSource();
        var election = new LeaderElection(Options, new FakeLock("me"), NullLogger.Instance)
        {
            Elector = () => elector = new StepElector(),
        };
        bool? stoppedInHandler = null;
        election.LeadershipChanged += leading =>
        {
            if (!leading) return;
            shutdown.Cancel();
            stoppedInHandler = elector!.Token.IsCancellationRequested;
        };
        var workEnded = false;
        var run = election.RunAsync(async stop =>
        {
            var stopped = new TaskCompletionSource();
            await using (stop.Register(() => stopped.TrySetResult()))
            {
                await stopped.Task;
            }
            workEnded = true;
        }, shutdown.Token);

        elector!.Gain();

        Assert.False(stoppedInHandler, "the shutdown did not run inside the handler (on the canceller's thread)");
        await run.WaitAsync(Eventually.Deadline, Ct);
        Assert.True(workEnded);
    }

    [Fact]
    public void Disabled_election_returns_when_the_work_returns_without_electing()
    {
        var electors = 0;
        var election = new LeaderElection(new LeaderElectionOptions { Enabled = false }, null, NullLogger.Instance)
        {
            Elector = () =>
            {
                electors++;
                return new StepElector();
            },
        };

        var run = election.RunAsync(_ => Task.CompletedTask, Ct);

        Assert.True(run.IsCompletedSuccessfully);
        Assert.Equal(0, electors);
        Assert.False(election.IsLeader);
    }

    [Fact]
    public void Enabled_election_needs_a_lock()
    {
        var error = Assert.Throws<ArgumentException>(() => new LeaderElection(new LeaderElectionOptions(), null, NullLogger.Instance));
        Assert.Equal("leaseLock", error.ParamName);
        Assert.StartsWith("leader election needs a lock", error.Message);
    }

    /// <summary>One election over step electors, the test's steps and delays, and a <see cref="FakeLock"/> as "me".</summary>
    private sealed class Harness : IDisposable
    {
        private readonly List<TaskCompletionSource> delays = [];
        private readonly List<TimeSpan> periods = [];
        private int workStarted;
        private int working;

        public Harness(LeaderElectionOptions? options = null, TimeProvider? time = null, bool useDelaySeam = true,
            ILogger? logger = null)
        {
            Election = new LeaderElection(options ?? Options, Lock, logger ?? NullLogger.Instance, time: time)
            {
                Elector = () =>
                {
                    var elector = new StepElector();
                    Electors.Add(elector);
                    return elector;
                },
                Dispatch = Steps.Dispatch,
                Delay = useDelaySeam ? DelayAsync : null,
            };
            Election.LeadershipChanged += Changes.Add;
        }

        public Steps Steps { get; } = new();

        public FakeLock Lock { get; } = new("me");

        public LeaderElection Election { get; }

        public List<StepElector> Electors { get; } = [];

        public List<bool> Changes { get; } = [];

        public CancellationTokenSource Shutdown { get; } = new();

        public IReadOnlyList<TimeSpan> Delays => periods;

        public int WorkStarted => workStarted;

        public int Working => working;

        /// <summary>Starts the election; by default each term's work runs until its token is cancelled.</summary>
        public Task Run(Func<CancellationToken, Task>? work = null)
        {
            work ??= UntilStopped;
            var run = Election.RunAsync(async stop =>
            {
                workStarted++;
                working++;
                try
                {
                    await work(stop).ConfigureAwait(false);
                }
                finally
                {
                    working--;
                }
            }, Shutdown.Token);
            Steps.RunAll();
            return run;
        }

        public async Task HoldLease(string holder)
        {
            var now = DateTime.UtcNow;
            var record = new LeaderElectionRecord { HolderIdentity = holder, AcquireTime = now, RenewTime = now, LeaseDurationSeconds = 15 };
            Assert.True(await Lock.CreateAsync(record));
        }

        public void EndDelay()
        {
            delays[^1].SetResult();
            Steps.RunAll();
        }

        public void ShutDown()
        {
            Shutdown.Cancel();
            Steps.RunAll();
        }

        public void Dispose() => Shutdown.Dispose();

        private static Task UntilStopped(CancellationToken stop)
        {
            var stopped = new TaskCompletionSource();
            stop.Register(() => stopped.TrySetResult());
            return stopped.Task;
        }

        private Task DelayAsync(TimeSpan period, CancellationToken cancellationToken)
        {
            periods.Add(period);
            var delay = new TaskCompletionSource();
            delays.Add(delay);
            cancellationToken.Register(() => Steps.Dispatch(() => delay.TrySetCanceled(cancellationToken)));
            return delay.Task;
        }
    }
}
