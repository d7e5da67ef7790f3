using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;
using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>A ServerPower that follows a PowerSchedule or an override, reconciled with a fake clock.</summary>
public sealed class ScheduledServerReconcilerTests
{
    private readonly ReconcilerFixture f = new();
    private readonly InMemoryScheduleClient schedules = new();
    private readonly ServerPowerReconciler reconciler;

    public ScheduledServerReconcilerTests()
    {
        reconciler = f.ReconcilerWith(schedules: schedules);
        // Monday 2026-11-23, 07:00 in Berlin.
        f.Time.Advance(Utc("2026-11-23T06:00:00Z") - f.Time.GetUtcNow());
    }

    private void OfficeHours(string windows = "Mon,Tue,Wed,Thu,Fri 08:00-18:00") =>
        schedules.Put(InMemoryScheduleClient.Make(ReconcilerFixture.Ns, "office-hours", Spec("Europe/Berlin", windows)));

    private void AddScheduled(PowerState observed, string? @override = null) =>
        f.AddServer(DesiredPowerState.Scheduled, observed, s =>
        {
            s.Spec = s.Spec with { ScheduleRef = new LocalObjectReference { Name = "office-hours" } };
            if (@override is not null) ReconcilerFixture.SetAnnotation(s, Annotations.Override, @override);
        });

    private Task<ReconcileResult> ReconcileAsync() => reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

    /// <summary>Reconciles as the work queue would until the server settles (no more actions), the provider doing what it was asked.</summary>
    private async Task<ReconcileResult> SettleAsync()
    {
        for (var i = 0; i < 10; i++)
        {
            var sent = f.Provider.Sent.Count;
            var result = await ReconcileAsync();
            if (f.Provider.Sent.Count > sent)
            {
                var action = f.Provider.Sent[^1].Action;
                f.Provider.Servers["1234"] = new ObservedServer(action == ActionType.Start ? PowerState.Running : PowerState.Stopped, "done");
                f.Time.Advance(result.RequeueAfter ?? f.Settings.MinPoll);
                continue;
            }
            if (f.Condition(ConditionTypes.Ready)?.Status == ConditionStatus.True) return result;
            f.Time.Advance(result.RequeueAfter ?? f.Settings.MinPoll);
        }
        throw new InvalidOperationException("the server did not settle");
    }

    [Fact]
    public async Task Each_requeue_is_exactly_the_next_transition_and_each_transition_is_acted_on()
    {
        OfficeHours();
        AddScheduled(PowerState.Stopped);
        var wakeUps = new List<DateTimeOffset>();

        for (var i = 0; i < 5; i++)
        {
            var result = await SettleAsync();
            var at = f.Time.GetUtcNow() + result.RequeueAfter!.Value;
            wakeUps.Add(at);
            f.Time.Advance(result.RequeueAfter.Value);
        }

        // 08:00 and 18:00 in Berlin (CET, UTC+1), Monday to Friday.
        Assert.Equal(
            [Utc("2026-11-23T07:00:00Z"), Utc("2026-11-23T17:00:00Z"), Utc("2026-11-24T07:00:00Z"), Utc("2026-11-24T17:00:00Z"), Utc("2026-11-25T07:00:00Z")],
            wakeUps);
        Assert.Equal([ActionType.Start, ActionType.Stop, ActionType.Start, ActionType.Stop], f.Provider.Sent.Select(s => s.Action));
        Assert.Equal(TargetPowerState.Stopped, f.Server.Status?.DesiredState); // last reconciled on Tuesday evening
    }

    [Fact]
    public async Task A_transition_missed_while_the_operator_was_down_is_applied_when_it_comes_back()
    {
        OfficeHours();
        AddScheduled(PowerState.Stopped);
        await SettleAsync();

        f.Time.Advance(TimeSpan.FromHours(5)); // 12:00 in Berlin; nobody reconciled at 08:00
        var result = await SettleAsync();

        Assert.Equal([ActionType.Start], f.Provider.Sent.Select(s => s.Action));
        Assert.Equal(Utc("2026-11-23T17:00:00Z"), f.Time.GetUtcNow() + result.RequeueAfter!.Value);
    }

    [Fact]
    public async Task A_missing_schedule_leaves_the_server_as_it_is_and_says_so()
    {
        AddScheduled(PowerState.Running);

        var result = await ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.ScheduleNotFound, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.Equal(ConditionStatus.False, f.Condition(ConditionTypes.Synced)?.Status);
        Assert.Null(f.Server.Status?.DesiredState);
        Assert.Null(result.RequeueAfter);
        Assert.Contains(f.Events, e => e.Warning && e.Reason == Reasons.ScheduleNotFound);

        OfficeHours("* 00:00-06:00"); // now 07:00 in Berlin: Stopped until midnight
        result = await SettleAsync();
        Assert.Equal([ActionType.Stop], f.Provider.Sent.Select(s => s.Action));
        Assert.Equal(Utc("2026-11-23T23:00:00Z"), f.Time.GetUtcNow() + result.RequeueAfter!.Value);
    }

    [Fact]
    public async Task An_invalid_schedule_sends_nothing()
    {
        schedules.Put(InMemoryScheduleClient.Make(ReconcilerFixture.Ns, "office-hours", Spec("Europe/Nowhere", "* 08:00-18:00")));
        AddScheduled(PowerState.Running);

        await ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.InvalidSpec, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.Contains("Europe/Nowhere", f.Condition(ConditionTypes.Ready)?.Message);
    }

    [Fact]
    public async Task An_override_wins_until_it_ends_and_is_requeued_for_its_end()
    {
        OfficeHours();
        AddScheduled(PowerState.Stopped, "Running until 2026-11-23T06:30:00Z");

        var result = await SettleAsync();
        Assert.Equal([ActionType.Start], f.Provider.Sent.Select(s => s.Action));
        Assert.Equal(Utc("2026-11-23T06:30:00Z"), f.Time.GetUtcNow() + result.RequeueAfter!.Value);
        Assert.Equal(new OverrideStatus { State = TargetPowerState.Running, Until = Utc("2026-11-23T06:30:00Z"), Active = true }, f.Server.Status?.Override);
        Assert.Contains("(override Running until 2026-11-23T06:30:00Z in force)", f.Condition(ConditionTypes.Ready)?.Message);
        Assert.Contains(f.Events, e => e.Reason == "OverrideStarted");

        f.Time.Advance(result.RequeueAfter.Value);
        result = await SettleAsync();
        Assert.Equal([ActionType.Start, ActionType.Stop], f.Provider.Sent.Select(s => s.Action));
        Assert.False(f.Server.Status?.Override?.Active);
        Assert.Contains(f.Events, e => e.Reason == "OverrideEnded");
        Assert.Equal(Utc("2026-11-23T07:00:00Z"), f.Time.GetUtcNow() + result.RequeueAfter!.Value);
    }

    [Fact]
    public async Task A_malformed_override_sends_nothing()
    {
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s => ReconcilerFixture.SetAnnotation(s, Annotations.Override, "Running until later"));

        await ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.InvalidSpec, f.Condition(ConditionTypes.Synced)?.Reason);
    }
}
