using Microsoft.Extensions.Time.Testing;
using ServerPower.Operator.Probing;
using ServerPower.Runtime;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>
/// The schedule the prober and the activity monitor share, on a fake clock: which entry is current, when runs start and
/// in which order, how its loop waits and wakes. The loop runs either as in the product or under a dispatch of steps this
/// test runs itself (the systematic tests' mode), where each wait is a recorded stand-in delay.
/// </summary>
public sealed class KeyedScheduleTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private static readonly ObjectKey A = new("games", "a");
    private static readonly ObjectKey B = new("games", "b");

    [ThreadStatic] private static bool onTestThread;

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 6, 3, 0, 0, TimeSpan.Zero));
    private readonly DispatchSteps steps = new();
    private readonly List<string> started = [];
    private readonly List<bool> startedOnTestThread = [];
    private readonly List<TimeSpan> waits = [];
    private readonly Dictionary<string, TaskCompletionSource> held = [];
    private int waitsEnded;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Runs record their value, finish (after a hold, when the test set one) and are due again a period after they started.</summary>
    private KeyedSchedule<string> Schedule(bool dispatched = true, Func<TimeSpan, CancellationToken, Task>? delay = null,
        TimeProvider? clock = null, int concurrency = 4)
    {
        KeyedSchedule<string>? schedule = null;
        schedule = new KeyedSchedule<string>(clock ?? time, concurrency, 4, async (key, entry, _) =>
        {
            var startedAt = time.GetUtcNow();
            lock (started)
            {
                started.Add(entry.Value);
                startedOnTestThread.Add(onTestThread);
            }
            if (held.TryGetValue(entry.Value, out var hold)) await hold.Task;
            lock (schedule!.Gate) schedule.Finished(key, entry, startedAt + Period);
            schedule.Wake();
        }, dispatched ? steps.Dispatch : null, delay ?? (dispatched ? Delay : null));
        return schedule;
    }

    /// <summary>The dispatched loop's wait: recorded, ended (and counted) when the loop cancels it.</summary>
    private Task Delay(TimeSpan wait, CancellationToken cancellationToken)
    {
        waits.Add(wait);
        Assert.True(waits.Count < 100, "the loop never waits");
        var ended = new TaskCompletionSource();
        cancellationToken.Register(() =>
        {
            waitsEnded++;
            ended.TrySetCanceled(cancellationToken);
        });
        return ended.Task;
    }

    [Fact]
    public void Only_the_latest_entry_of_a_key_is_current_and_a_run_of_another_is_not_rescheduled()
    {
        var schedule = Schedule();
        lock (schedule.Gate)
        {
            var first = schedule.Put(A, "first");
            Assert.True(schedule.IsCurrent(A, first));
            var second = schedule.Put(A, "second");
            Assert.False(schedule.IsCurrent(A, first));
            Assert.False(schedule.Finished(A, first, time.GetUtcNow()));
            Assert.True(schedule.IsCurrent(A, second));
            schedule.Remove(A);
            Assert.False(schedule.IsCurrent(A, second));
            Assert.False(schedule.Finished(A, second, time.GetUtcNow()));
        }
    }

    [Fact]
    public void A_run_that_finished_late_is_due_at_once_behind_what_fell_due_meanwhile()
    {
        var schedule = Schedule();
        held["a"] = new TaskCompletionSource();
        lock (schedule.Gate) schedule.Put(A, "a");
        _ = schedule.StartDue(Ct);
        steps.RunAll();
        time.Advance(Period + TimeSpan.FromSeconds(5));
        lock (schedule.Gate) schedule.Put(B, "b");
        time.Advance(TimeSpan.FromSeconds(1));
        // a started 16 s ago with a period of 10 s: due again now, after b (due 1 s ago), not at its period's end.
        held.Remove("a", out var hold);
        hold!.SetResult();
        steps.RunAll();

        _ = schedule.StartDue(Ct);
        steps.RunAll();

        Assert.Equal(["a", "b", "a"], started);
    }

    [Fact]
    public void A_run_cancelled_while_it_waits_for_a_shared_slot_never_runs_and_takes_none()
    {
        var schedule = Schedule(concurrency: 1);
        using var cancel = new CancellationTokenSource();
        held["a"] = new TaskCompletionSource();
        lock (schedule.Gate)
        {
            schedule.Put(A, "a");
            schedule.Put(B, "b");
        }
        var (runs, _) = schedule.StartDue(cancel.Token);
        steps.RunAll();
        Assert.Equal(["a"], started);

        cancel.Cancel();
        steps.RunAll();
        held["a"].SetResult();
        steps.RunAll();

        Assert.True(runs.IsCompletedSuccessfully);
        Assert.Equal(["a"], started);
        // The one shared slot is free again: a new entry runs at once.
        lock (schedule.Gate) schedule.Put(new ObjectKey("games", "c"), "c");
        _ = schedule.StartDue(Ct);
        steps.RunAll();
        Assert.Equal(["a", "c"], started);
    }

    [Fact]
    public void Under_a_dispatch_the_loop_starts_runs_as_steps_waits_for_the_next_due_time_and_ends_each_wait_when_woken()
    {
        var schedule = Schedule();
        using var stop = new CancellationTokenSource();
        lock (schedule.Gate) schedule.Put(A, "a");

        var loop = schedule.RunAsync(stop.Token);
        // Nothing else is due: the loop waits without end; the run starts only as its own step.
        Assert.Equal([Timeout.InfiniteTimeSpan], waits);
        Assert.Empty(started);

        // The run, and then its wake-up, end that wait; the loop, resumed in the wake-up's step, waits for the next period.
        steps.RunAll();
        Assert.Equal(["a"], started);
        Assert.Equal([Timeout.InfiniteTimeSpan, Period], waits);
        Assert.Equal(1, waitsEnded);

        schedule.Wake();
        steps.RunAll();
        Assert.Equal([Timeout.InfiniteTimeSpan, Period, Period], waits);
        Assert.Equal(2, waitsEnded);

        stop.Cancel();
        steps.RunAll();
        Assert.True(loop.IsCompletedSuccessfully);
        Assert.Equal(["a"], started);
    }

    [Fact]
    public async Task A_run_starts_off_the_thread_that_starts_it()
    {
        var schedule = Schedule(dispatched: false);
        lock (schedule.Gate) schedule.Put(A, "a");

        Task runs;
        onTestThread = true;
        try
        {
            (runs, _) = schedule.StartDue(Ct);
        }
        finally
        {
            onTestThread = false;
        }
        await runs.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(["a"], started);
        Assert.Equal([false], startedOnTestThread);
    }

    [Fact]
    public async Task The_loop_resumes_off_the_thread_that_wakes_it()
    {
        var calls = new List<bool>();
        var called = new SemaphoreSlim(0);
        var schedule = Schedule(dispatched: false, delay: (_, _) =>
        {
            lock (calls) calls.Add(onTestThread);
            called.Release();
            return new TaskCompletionSource().Task;
        });
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => schedule.RunAsync(stop.Token), Ct);
        Assert.True(await called.WaitAsync(TimeSpan.FromSeconds(30), Ct));

        onTestThread = true;
        try
        {
            schedule.Wake();
        }
        finally
        {
            onTestThread = false;
        }
        Assert.True(await called.WaitAsync(TimeSpan.FromSeconds(30), Ct));

        lock (calls) Assert.Equal([false, false], calls);
        await stop.CancelAsync();
        schedule.Wake();
        await loop.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task The_loop_leaves_no_timer_behind_when_woken()
    {
        var timers = new CountingTime(time);
        var schedule = Schedule(dispatched: false, clock: timers);
        // Run at once, then due again in a period: the loop waits on a timer of the clock.
        lock (schedule.Gate) schedule.Put(A, "a");
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => schedule.RunAsync(stop.Token), Ct);

        for (var created = 1; created <= 3; created++)
        {
            await Eventually.Until(() => timers.Created == created, $"the loop's wait number {created} on a timer");
            Assert.Equal(1, timers.Live);
            schedule.Wake();
        }

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, timers.Live);
    }

    /// <summary>The fake clock, counting the timers created on it and those still not disposed.</summary>
    private sealed class CountingTime(FakeTimeProvider clock) : TimeProvider
    {
        private int created;
        private int disposed;

        public int Created => Volatile.Read(ref created);

        public int Live => Volatile.Read(ref created) - Volatile.Read(ref disposed);

        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

        public override long GetTimestamp() => clock.GetTimestamp();

        public override long TimestampFrequency => clock.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref created);
            return new Counted(clock.CreateTimer(callback, state, dueTime, period), () => Interlocked.Increment(ref disposed));
        }

        private sealed class Counted(ITimer timer, Action onDispose) : ITimer
        {
            private int once;

            public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref once, 1) == 0) onDispose();
                timer.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
