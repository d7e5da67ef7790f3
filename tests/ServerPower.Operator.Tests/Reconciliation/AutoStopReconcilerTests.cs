using ServerPower.Operator.Decision;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Probing;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers.Activity;
using ServerPower.Runtime;
using WatchSpec = ServerPower.Operator.AutoStop.ActivitySpec;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// The reconciler around auto-stop: the monitor reads a server only while it is declared Running, an idle stop is
/// sent only after one more read saw 0 players, and a steady server costs no status write per read.
/// </summary>
public sealed class AutoStopReconcilerTests
{
    /// <summary>A stand-in for the monitor: its state is set by the test, its confirmation read answers <see cref="Next"/>.</summary>
    private sealed class ScriptedMonitor : IActivityMonitor
    {
        public ActivityState? State { get; set; }
        public ActivityRead Next { get; set; } = ActivityRead.Count(0, "0 players");
        public List<string> Calls { get; } = [];

        public string? Check(WatchSpec spec) => null;
        public void Ensure(ObjectKey key, WatchSpec spec) => Calls.Add("Ensure " + spec.Target.Host);
        public void Forget(ObjectKey key) => Calls.Add("Forget");
        public ActivityState? Observe(ObjectKey key) => State;

        public Task<ActivityRead> ReadNowAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            Calls.Add("ReadNow");
            if (State is { } state) State = IdleRun.Apply(state, Next, DateTimeOffset.UnixEpoch.AddYears(60));
            return Task.FromResult(Next);
        }
    }

    private static (ReconcilerFixture F, ScriptedMonitor Monitor, ServerPowerReconciler Reconciler) Setup(DesiredPowerState state = DesiredPowerState.Running)
    {
        var f = new ReconcilerFixture();
        var monitor = new ScriptedMonitor();
        var reconciler = f.ReconcilerWith(activity: monitor);
        f.AddServer(state, state == DesiredPowerState.Running ? PowerState.Running : PowerState.Stopped, s => s.Spec = s.Spec with
        {
            AutoStop = new AutoStopSpec { IdleAfter = "10s", StartupGrace = "0s", Activity = new() { Minecraft = new ActivityEndpoint { Host = "mc.example.com", Port = 25565 } } },
        });
        return (f, monitor, reconciler);
    }

    [Fact]
    public async Task An_idle_server_is_stopped_after_a_confirmation_read_of_0()
    {
        var (f, monitor, reconciler) = Setup();
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(["Ensure mc.example.com"], monitor.Calls);
        monitor.State = new ActivityState(0, ActivityRead.Count(0, "0"), f.Time.GetUtcNow(), null, f.Time.GetUtcNow());
        f.Time.Advance(TimeSpan.FromSeconds(11));

        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.Contains("ReadNow", monitor.Calls);
        Assert.Equal([("1234", ActionType.Stop)], f.Provider.Sent);
        Assert.Equal(AutoStopReason.Idle, f.Server.Status!.AutoStop!.Reason);
        Assert.Equal(TargetPowerState.Stopped, f.Server.Status.DesiredState);
    }

    [Fact]
    public async Task A_confirmation_read_that_sees_players_sends_nothing()
    {
        var (f, monitor, reconciler) = Setup();
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        monitor.State = new ActivityState(0, ActivityRead.Count(0, "0"), f.Time.GetUtcNow(), null, f.Time.GetUtcNow());
        monitor.Next = ActivityRead.Count(2, "2 players");
        f.Time.Advance(TimeSpan.FromSeconds(11));

        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.Empty(f.Provider.Sent);
        Assert.Null(f.Server.Status!.AutoStop!.StoppedAt);
        Assert.Contains(f.Events, e => e.Reason == EventReasons.IdleStopCancelled);
    }

    [Fact]
    public async Task A_server_declared_Stopped_is_not_read()
    {
        var (_, monitor, reconciler) = Setup(DesiredPowerState.Stopped);
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(["Forget"], monitor.Calls);
    }

    [Fact]
    public async Task A_new_read_time_alone_writes_no_status()
    {
        var (f, monitor, reconciler) = Setup();
        monitor.State = new ActivityState(3, ActivityRead.Count(3, "3"), f.Time.GetUtcNow(), f.Time.GetUtcNow(), null);
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        var writes = f.Kube.Writes.Count;
        f.Time.Advance(TimeSpan.FromSeconds(30));
        monitor.State = monitor.State with { LastReadTime = f.Time.GetUtcNow(), LastActiveTime = f.Time.GetUtcNow() };

        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.Equal(writes, f.Kube.Writes.Count);
        Assert.Equal(3, f.Server.Status!.AutoStop!.Players);
    }

    [Fact]
    public async Task A_ServerPower_gone_from_the_API_is_forgotten_by_the_activity_monitor()
    {
        var f = new ReconcilerFixture();
        var monitor = new ForgettingMonitor();
        var reconciler = f.ReconcilerWith(activity: monitor);
        await reconciler.ReconcileAsync(new ObjectKey(ReconcilerFixture.Ns, "gone"), CancellationToken.None);
        Assert.Equal([new ObjectKey(ReconcilerFixture.Ns, "gone")], monitor.Forgotten);
    }

    [Fact]
    public async Task A_ServerPower_being_deleted_is_forgotten_by_the_activity_monitor_even_without_our_finalizer()
    {
        var f = new ReconcilerFixture();
        var monitor = new ForgettingMonitor();
        var reconciler = f.ReconcilerWith(activity: monitor);
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s =>
        {
            s.Metadata.Finalizers = ["example.com/other"];
            s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime;
        });
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal([ReconcilerFixture.Key], monitor.Forgotten);
    }

    [Fact]
    public async Task A_target_the_monitor_may_not_read_is_forgotten_and_said_why()
    {
        var f = new ReconcilerFixture();
        var monitor = new ForgettingMonitor { Refusal = "the host is not allowed" };
        var reconciler = f.ReconcilerWith(activity: monitor);
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with
        {
            AutoStop = new AutoStopSpec { IdleAfter = "10s", Activity = new() { Minecraft = new ActivityEndpoint { Host = "mc.example.com", Port = 25565 } } },
        });
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal([ReconcilerFixture.Key], monitor.Forgotten);
    }

    /// <summary>
    /// An auto-stop that ends adds its hours to serverpower_autostop_saved_hours_total (a process-wide counter other
    /// tests add to as well: an auto-stop a million hours old tells this one's share apart).
    /// </summary>
    [Fact]
    public async Task An_auto_stop_that_ends_adds_its_hours_to_the_saved_hours()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Stopped, PowerState.Stopped, s => s.Status = new ServerPowerStatus
        {
            ObservedGeneration = 1, PowerState = PowerState.Stopped,
            AutoStop = new AutoStopStatus { StoppedAt = f.Time.GetUtcNow().AddHours(-1_000_000), StoppedGeneration = 1, Reason = AutoStopReason.Idle },
        });
        var before = AutoStopMetrics.SavedHours.Value;

        await f.ReconcileAsync();

        Assert.Null(f.Server.Status!.AutoStop?.StoppedAt);
        Assert.True(AutoStopMetrics.SavedHours.Value - before >= 1_000_000, $"saved hours grew by {AutoStopMetrics.SavedHours.Value - before}");
    }

    /// <summary>The monitor switched off, recording which servers it was told to forget; <see cref="Refusal"/> refuses every target.</summary>
    private sealed class ForgettingMonitor : IActivityMonitor
    {
        public List<ObjectKey> Forgotten { get; } = [];

        public string? Refusal { get; init; }

        public string? Check(WatchSpec spec) => Refusal ?? ActivityMonitorOff.Instance.Check(spec);

        public void Ensure(ObjectKey key, WatchSpec spec) => ActivityMonitorOff.Instance.Ensure(key, spec);

        public void Forget(ObjectKey key) => Forgotten.Add(key);

        public ActivityState? Observe(ObjectKey key) => ActivityMonitorOff.Instance.Observe(key);

        public Task<ActivityRead> ReadNowAsync(ObjectKey key, CancellationToken cancellationToken) =>
            ActivityMonitorOff.Instance.ReadNowAsync(key, cancellationToken);
    }
}

/// <summary>The reconciler sends spec.stop.warning once, records it first, and stops after warning.before.</summary>
public sealed class StopWarningReconcilerTests
{
    [Fact]
    public async Task The_warning_is_sent_once_then_the_stop_after_warning_before()
    {
        var f = new ReconcilerFixture(ProviderType.Wings, new ServerPower.Providers.Contract.ProviderCapabilities(true, true,
            new HashSet<ActionType> { ActionType.Start, ActionType.Stop }, HasConsole: true));
        f.AddServer(DesiredPowerState.Stopped, PowerState.Running, s => s.Spec = s.Spec with
        {
            Stop = new StopSpec { Warning = new StopWarningSpec { Before = "5m", Command = "say bye" } },
        });

        await f.ReconcileAsync();
        Assert.Equal([("1234", "say bye")], f.Provider.Commands);
        Assert.Empty(f.Provider.Sent);
        Assert.Equal(f.Time.GetUtcNow(), f.Server.Status!.StopWarning!.SentAt);

        f.Time.Advance(TimeSpan.FromMinutes(2));
        await f.ReconcileAsync();
        Assert.Single(f.Provider.Commands);
        Assert.Empty(f.Provider.Sent);

        f.Time.Advance(TimeSpan.FromMinutes(3));
        await f.ReconcileAsync();
        Assert.Empty(f.Provider.Sent); // sentAt is a whole second: the wait counts from its end

        f.Time.Advance(TimeSpan.FromSeconds(1));
        await f.ReconcileAsync();
        Assert.Single(f.Provider.Commands);
        Assert.Equal([("1234", ActionType.Stop)], f.Provider.Sent);
    }

    [Theory]
    [InlineData("console down", "console down")]
    [InlineData("", "Unavailable")]
    public async Task A_failed_warning_is_an_event_and_the_stop_goes_on_at_once(string answer, string recorded)
    {
        var f = new ReconcilerFixture(ProviderType.Wings, new ServerPower.Providers.Contract.ProviderCapabilities(true, true,
            new HashSet<ActionType> { ActionType.Start, ActionType.Stop }, HasConsole: true));
        f.Provider.CommandAnswer = _ => new ServerPower.Providers.Contract.ProviderOutcome(ServerPower.Providers.Contract.OutcomeKind.Unavailable, answer);
        f.AddServer(DesiredPowerState.Stopped, PowerState.Running, s => s.Spec = s.Spec with
        {
            Stop = new StopSpec { Warning = new StopWarningSpec { Before = "5m", Command = "say bye" } },
        });

        await f.ReconcileAsync();
        Assert.Contains(f.Events, e => e.Reason == EventReasons.StopWarningFailed && e.Warning
            && e.Message == $"the stop warning failed (Unavailable: {recorded}); stopping at once");
        Assert.True(f.Server.Status!.StopWarning!.Failed);
        Assert.Equal(recorded, f.Server.Status.StopWarning.Message);

        await f.ReconcileAsync();
        Assert.Equal([("1234", ActionType.Stop)], f.Provider.Sent);
    }
}
