using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// What the work queue is told: a failure with the Synced message (a reconcile, one table); a requeue as far out as the
/// resync is left to the resync (<see cref="ServerPowerReconciler.Requeue"/>, a second).
/// </summary>
public sealed class ReconcileResultRuleTests
{
    private static readonly DecisionSettings Settings = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));

    public static IEnumerable<TheoryDataRow<AsyncRow<(ReconcilerFixture F, ReconcileResult Result)>>> Rows => Table.OfAsync<(ReconcilerFixture F, ReconcileResult Result)>(
    [
        new("A failed reconcile reports the Synced message to the work queue",
            async () =>
            {
                var (f, provider, reconciler) = Wired();
                f.AddServer(DesiredPowerState.Running, PowerState.Running);
                provider.ReadFailure = new ProviderOutcome(OutcomeKind.Unavailable, "503 from upstream");
                return (f, await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None));
            },
            r =>
            {
                Assert.True(r.Result.Failed);
                Assert.Equal(r.F.Condition(ConditionTypes.Synced)?.Message, r.Result.Error);
                Assert.Contains("503 from upstream", r.Result.Error, StringComparison.Ordinal);
            }),
    ]);

    public static IEnumerable<TheoryDataRow<Row<ReconcileResult>>> RequeueRows => Table.Of<ReconcileResult>(
    [
        new("A requeue as far out as the resync is left to the resync",
            () => ServerPowerReconciler.Requeue(Settings.ResyncPeriod, Settings),
            result => Assert.Equal(ReconcileResult.Done, result)),
        new("A requeue sooner than the resync is kept",
            () => ServerPowerReconciler.Requeue(TimeSpan.FromMinutes(4), Settings),
            result => Assert.Equal(ReconcileResult.After(TimeSpan.FromMinutes(4)), result)),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public Task Holds(AsyncRow<(ReconcilerFixture F, ReconcileResult Result)> row) => row.RunAsync();

    [Theory, MemberData(nameof(RequeueRows))]
    public void Requeues(Row<ReconcileResult> row) => row.Run();
}
