using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>A PowerSchedule says what it read, and its transitions are normal events.</summary>
public sealed class ScheduleEventsRuleTests
{
    private static readonly ObjectKey Key = new(Ns, "office-hours");

    /// <summary>The office-hours schedule reconciled at 06:00Z on a Monday (Stopped until 08:00 Berlin).</summary>
    public sealed record Scheduled(ReconcilerFixture F, InMemoryScheduleClient Schedules, PowerScheduleReconciler Reconciler)
    {
        public Condition Ready() => Schedules.Schedule(Key.Namespace, Key.Name).Status!.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
    }

    public static IEnumerable<TheoryDataRow<AsyncRow<Scheduled>>> Rows => Table.OfAsync<Scheduled>(
    [
        new("A schedule says what it read and its transitions are normal events with or without a change ahead",
            async () =>
            {
                var f = new ReconcilerFixture();
                var schedules = new InMemoryScheduleClient();
                var reconciler = new PowerScheduleReconciler(schedules, f, f.Time, NullLogger<PowerScheduleReconciler>.Instance);
                f.Time.Advance(Utc("2026-11-23T06:00:00Z") - f.Time.GetUtcNow());
                schedules.Put(InMemoryScheduleClient.Make(Key.Namespace, Key.Name, Spec("Europe/Berlin", "Mon,Tue,Wed,Thu,Fri 08:00-18:00")));
                await reconciler.ReconcileAsync(Key, CancellationToken.None);
                return new Scheduled(f, schedules, reconciler);
            },
            async s =>
            {
                Assert.Equal("1 window(s) and 0 exception(s) in Europe/Berlin: Stopped now, until 2026-11-23T07:00:00Z", s.Ready().Message);

                var always = s.Schedules.Schedule(Key.Namespace, Key.Name);
                always.Spec = Spec("Europe/Berlin", "* 00:00-00:00");
                always.Metadata.Generation = 2;
                s.Schedules.Put(always);
                await s.Reconciler.ReconcileAsync(Key, CancellationToken.None);

                Assert.Equal("1 window(s) and 0 exception(s) in Europe/Berlin: Running now, with no change ahead", s.Ready().Message);
                Assert.Equal([(false, "Transition", "the schedule says Running now (was Stopped); no change ahead")], s.F.Events);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public Task Holds(AsyncRow<Scheduled> row) => row.RunAsync();
}
