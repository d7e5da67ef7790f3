using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>Our finalizer: only ours is added or removed; a deletion whose policy turned Orphan is let go without touching the server.</summary>
public sealed class FinalizerRuleTests
{
    [Fact]
    public async Task An_object_being_deleted_whose_policy_turned_Orphan_is_let_go_without_touching_the_server()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s =>
        {
            s.Metadata.Finalizers = [Annotations.StopFinalizer];
            s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime;
        });

        var result = await f.ReconcileAsync();

        Assert.Equal(ReconcileResult.Done, result);
        Assert.False(f.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));
        Assert.Empty(f.Provider.Sent);
    }

    [Fact]
    public async Task Only_our_finalizer_is_added_and_removed_others_are_kept()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s =>
        {
            s.Metadata.Finalizers = ["example.com/backup"];
            s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Stop };
        });
        await f.ReconcileAsync();
        Assert.Equal(["example.com/backup", Annotations.StopFinalizer], f.Server.Metadata.Finalizers);

        f.Edit(s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Orphan });
        await f.ReconcileAsync();
        Assert.Equal(["example.com/backup"], f.Server.Metadata.Finalizers);
    }
}
