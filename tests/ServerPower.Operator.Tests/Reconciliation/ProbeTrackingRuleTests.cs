using ServerPower.Api.Resources;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>A server that is gone or being deleted is no longer probed.</summary>
public sealed class ProbeTrackingRuleTests
{
    [Fact]
    public async Task A_server_that_is_gone_is_no_longer_probed()
    {
        var (f, prober, reconciler) = Probed();
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(1, prober.Count);

        // Deleted with a finalizer of someone else's, which is then removed: the object is gone.
        DeleteHeldByAnotherFinalizer(f);
        await f.Kube.SetServerFinalizersAsync(f.Server, [], CancellationToken.None);
        Assert.False(f.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));

        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(0, prober.Count);
    }

    [Fact]
    public async Task A_server_being_deleted_is_no_longer_probed()
    {
        var (f, prober, reconciler) = Probed();
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        Assert.Equal(1, prober.Count);

        DeleteHeldByAnotherFinalizer(f);
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.True(f.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));
        Assert.Equal(0, prober.Count);
    }
}
