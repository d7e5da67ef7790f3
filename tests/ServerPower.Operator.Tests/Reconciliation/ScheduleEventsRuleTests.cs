using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>A PowerSchedule says what it read, and its transitions are normal events.</summary>
public sealed class ScheduleEventsRuleTests
{
    [Fact]
    public async Task A_schedule_says_what_it_read_and_its_transitions_are_normal_events_with_or_without_a_change_ahead()
    {
        var f = new ReconcilerFixture();
        var schedules = new InMemoryScheduleClient();
        var reconciler = new PowerScheduleReconciler(schedules, f, f.Time, NullLogger<PowerScheduleReconciler>.Instance);
        var key = new ObjectKey(Ns, "office-hours");
        f.Time.Advance(Utc("2026-11-23T06:00:00Z") - f.Time.GetUtcNow());
        schedules.Put(InMemoryScheduleClient.Make(key.Namespace, key.Name, Spec("Europe/Berlin", "Mon,Tue,Wed,Thu,Fri 08:00-18:00")));

        await reconciler.ReconcileAsync(key, CancellationToken.None);
        Assert.Equal("1 window(s) and 0 exception(s) in Europe/Berlin: Stopped now, until 2026-11-23T07:00:00Z", Ready().Message);

        var always = schedules.Schedule(key.Namespace, key.Name);
        always.Spec = Spec("Europe/Berlin", "* 00:00-00:00");
        always.Metadata.Generation = 2;
        schedules.Put(always);
        await reconciler.ReconcileAsync(key, CancellationToken.None);

        Assert.Equal("1 window(s) and 0 exception(s) in Europe/Berlin: Running now, with no change ahead", Ready().Message);
        Assert.Equal([(false, "Transition", "the schedule says Running now (was Stopped); no change ahead")], f.Events);

        Condition Ready() => schedules.Schedule(key.Namespace, key.Name).Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
    }
}
