using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Runtime;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>Our finalizer: only ours is added or removed; a deletion whose policy turned Orphan is let go without touching the server.</summary>
public sealed class FinalizerRuleTests
{
    public static IEnumerable<TheoryDataRow<AsyncRow<(ReconcilerFixture F, ReconcileResult Result)>>> Rows => Table.OfAsync<(ReconcilerFixture F, ReconcileResult Result)>(
    [
        new("An object being deleted whose policy turned Orphan is let go without touching the server",
            async () =>
            {
                var f = new ReconcilerFixture();
                f.AddServer(DesiredPowerState.Running, PowerState.Running, s =>
                {
                    s.Metadata.Finalizers = [Annotations.StopFinalizer];
                    s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime;
                });
                return (f, await f.ReconcileAsync());
            },
            r =>
            {
                Assert.Equal(ReconcileResult.Done, r.Result);
                Assert.False(r.F.Kube.HasServer(Ns, ReconcilerFixture.Key.Name));
                Assert.Empty(r.F.Provider.Sent);
            }),
        new("Only our finalizer is added and removed, others are kept",
            async () =>
            {
                var f = new ReconcilerFixture();
                f.AddServer(DesiredPowerState.Running, PowerState.Running, s =>
                {
                    s.Metadata.Finalizers = ["example.com/backup"];
                    s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Stop };
                });
                return (f, await f.ReconcileAsync());
            },
            async r =>
            {
                Assert.Equal(["example.com/backup", Annotations.StopFinalizer], r.F.Server.Metadata.Finalizers);
                r.F.Edit(s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Orphan });
                await r.F.ReconcileAsync();
                Assert.Equal(["example.com/backup"], r.F.Server.Metadata.Finalizers);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public Task Holds(AsyncRow<(ReconcilerFixture F, ReconcileResult Result)> row) => row.RunAsync();
}
