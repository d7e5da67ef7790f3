using ServerPower.Api.Resources;
using ServerPower.Operator.Probing;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>A server that is gone or being deleted is no longer probed.</summary>
public sealed class ProbeTrackingRuleTests
{
    /// <summary>A probed server reconciled once (so its probe is tracked), then changed by <paramref name="change"/> and reconciled again.</summary>
    private static async Task<(ReconcilerFixture F, ReadinessProber Prober)> TrackedThen(Func<ReconcilerFixture, Task> change)
    {
        var (f, prober, reconciler) = Probed();
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(1, prober.Count);
        await change(f);
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        return (f, prober);
    }

    public static IEnumerable<TheoryDataRow<AsyncRow<(ReconcilerFixture F, ReadinessProber Prober)>>> Rows => Table.OfAsync<(ReconcilerFixture F, ReadinessProber Prober)>(
    [
        // Deleted with a finalizer of someone else's, which is then removed: the object is gone.
        new("A server that is gone is no longer probed",
            () => TrackedThen(async f =>
            {
                DeleteHeldByAnotherFinalizer(f);
                await f.Kube.SetServerFinalizersAsync(f.Server, [], CancellationToken.None);
                Assert.False(f.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));
            }),
            r => Assert.Equal(0, r.Prober.Count)),
        new("A server being deleted is no longer probed",
            () => TrackedThen(f =>
            {
                DeleteHeldByAnotherFinalizer(f);
                return Task.CompletedTask;
            }),
            r =>
            {
                Assert.True(r.F.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));
                Assert.Equal(0, r.Prober.Count);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public Task Holds(AsyncRow<(ReconcilerFixture F, ReadinessProber Prober)> row) => row.RunAsync();
}
