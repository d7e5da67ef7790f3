using ServerPower.Api.Resources;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>What a rebuild sends: spec.rebuild with the root password from its Secret, or nothing when the Secret is missing.</summary>
public sealed class RebuildRequestRuleTests
{
    public static IEnumerable<TheoryDataRow<AsyncRow<(ReconcilerFixture F, List<(ActionType Action, RebuildRequest? Rebuild)> Sent)>>> Rows => Table.OfAsync<(ReconcilerFixture F, List<(ActionType Action, RebuildRequest? Rebuild)> Sent)>(
    [
        new("A rebuild sends spec.rebuild with the root password and a start sends none",
            async () =>
            {
                var (f, provider, reconciler) = Wired();
                f.Kube.PutSecret(Ns, "root", "password", "hunter2");
                f.AddServer(DesiredPowerState.Running, PowerState.Stopped, s => s.Spec = s.Spec with
                {
                    Rebuild = new RebuildSpec { OsId = "debian-12", Hostname = "mc1", RootPasswordSecretRef = new SecretKeyReference { Name = "root", Key = "password" } },
                });
                provider.Server = new ObservedServer(PowerState.Stopped, "stopped");
                await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
                Assert.Equal([(ActionType.Start, (RebuildRequest?)null)], provider.Sent);

                provider.Server = new ObservedServer(PowerState.Running, "running");
                f.Time.Advance(TimeSpan.FromSeconds(10));
                await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
                f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RebuildKey, "b1"));
                await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
                return (f, provider.Sent);
            },
            r =>
            {
                var (action, rebuild) = r.Sent[^1];
                Assert.Equal(ActionType.Rebuild, action);
                Assert.Equal(("debian-12", "mc1", "hunter2"), (rebuild?.OsId, rebuild?.Hostname, rebuild?.RootPassword?.Reveal()));
            }),
        new("A rebuild whose root password Secret is missing sends nothing and fails naming it",
            async () =>
            {
                var (f, provider, reconciler) = Wired();
                f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with
                {
                    Rebuild = new RebuildSpec { OsId = "debian-12", RootPasswordSecretRef = new SecretKeyReference { Name = "root", Key = "password" } },
                });
                await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
                f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RebuildKey, "b1"));
                await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
                return (f, provider.Sent);
            },
            r =>
            {
                Assert.Empty(r.Sent);
                Assert.Equal(OneShotPhase.Failed, r.F.Server.Status?.Rebuild?.Phase);
                Assert.Contains("Secret \"root\"", r.F.Server.Status?.Rebuild?.Message, StringComparison.Ordinal);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public Task Holds(AsyncRow<(ReconcilerFixture F, List<(ActionType Action, RebuildRequest? Rebuild)> Sent)> row) => row.RunAsync();
}
