using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;

namespace ServerPower.Operator.Tests.Reconciliation;

public sealed class PowerScheduleReconcilerTests
{
    private readonly ReconcilerFixture f = new();
    private readonly InMemoryScheduleClient schedules = new();
    private readonly PowerScheduleReconciler reconciler;
    private static readonly ObjectKey Key = new(ReconcilerFixture.Ns, "office-hours");

    public PowerScheduleReconcilerTests()
    {
        reconciler = new PowerScheduleReconciler(schedules, f, f.Time, NullLogger<PowerScheduleReconciler>.Instance);
        f.Time.Advance(Utc("2026-11-23T06:00:00Z") - f.Time.GetUtcNow());
    }

    private PowerScheduleStatus Status => schedules.Schedule(Key.Namespace, Key.Name).Status!;

    [Fact]
    public async Task Status_says_the_state_and_next_transition_and_the_requeue_is_that_transition()
    {
        schedules.Put(InMemoryScheduleClient.Make(Key.Namespace, Key.Name, Spec("Europe/Berlin", "Mon,Tue,Wed,Thu,Fri 08:00-18:00")));
        var seen = new List<(TargetPowerState?, DateTimeOffset?)>();

        for (var i = 0; i < 3; i++)
        {
            var result = await reconciler.ReconcileAsync(Key, CancellationToken.None);
            seen.Add((Status.State, Status.NextTransition));
            Assert.Equal(Status.NextTransition, f.Time.GetUtcNow() + result.RequeueAfter);
            f.Time.Advance(result.RequeueAfter!.Value);
        }

        Assert.Equal(
            [(TargetPowerState.Stopped, Utc("2026-11-23T07:00:00Z")), (TargetPowerState.Running, Utc("2026-11-23T17:00:00Z")), (TargetPowerState.Stopped, Utc("2026-11-24T07:00:00Z"))],
            seen);
        Assert.Equal(ConditionStatus.True, Status.Conditions![0].Status);
        Assert.Equal(Reasons.ScheduleValid, Status.Conditions[0].Reason);
        Assert.Equal(1, Status.ObservedGeneration);
        Assert.Equal(["the schedule says Running now (was Stopped); next transition at 2026-11-23T17:00:00Z",
            "the schedule says Stopped now (was Running); next transition at 2026-11-24T07:00:00Z"],
            f.Events.Where(e => e.Reason == "Transition").Select(e => e.Message));
    }

    [Fact]
    public async Task Between_transitions_nothing_is_written()
    {
        schedules.Put(InMemoryScheduleClient.Make(Key.Namespace, Key.Name, Spec("Europe/Berlin", "* 08:00-18:00")));
        await reconciler.ReconcileAsync(Key, CancellationToken.None);
        var writes = schedules.StatusWrites;

        f.Time.Advance(TimeSpan.FromMinutes(30));
        await reconciler.ReconcileAsync(Key, CancellationToken.None);

        Assert.Equal(writes, schedules.StatusWrites);
    }

    [Fact]
    public async Task An_unknown_time_zone_is_Ready_False_InvalidSpec()
    {
        schedules.Put(InMemoryScheduleClient.Make(Key.Namespace, Key.Name, Spec("Europe/Nowhere", "* 08:00-18:00")));

        var result = await reconciler.ReconcileAsync(Key, CancellationToken.None);

        Assert.Equal(ConditionStatus.False, Status.Conditions![0].Status);
        Assert.Equal(Reasons.InvalidSpec, Status.Conditions[0].Reason);
        Assert.Contains("Europe/Nowhere", Status.Conditions[0].Message);
        Assert.Null(Status.State);
        Assert.Null(Status.NextTransition);
        Assert.Null(result.RequeueAfter);
    }
}
