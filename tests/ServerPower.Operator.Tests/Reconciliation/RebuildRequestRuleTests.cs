using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>What a rebuild sends: spec.rebuild with the root password from its Secret, or nothing when the Secret is missing.</summary>
public sealed class RebuildRequestRuleTests
{
    [Fact]
    public async Task A_rebuild_sends_spec_rebuild_with_the_root_password_and_a_start_sends_none()
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

        var (action, rebuild) = provider.Sent[^1];
        Assert.Equal(ActionType.Rebuild, action);
        Assert.Equal(("debian-12", "mc1", "hunter2"), (rebuild?.OsId, rebuild?.Hostname, rebuild?.RootPassword?.Reveal()));
    }

    [Fact]
    public async Task A_rebuild_whose_root_password_Secret_is_missing_sends_nothing_and_fails_naming_it()
    {
        var (f, provider, reconciler) = Wired();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with
        {
            Rebuild = new RebuildSpec { OsId = "debian-12", RootPasswordSecretRef = new SecretKeyReference { Name = "root", Key = "password" } },
        });
        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);
        f.Edit(s => ReconcilerFixture.SetAnnotation(s, ReconcilerFixture.RebuildKey, "b1"));

        await reconciler.ReconcileAsync(ReconcilerFixture.Key, CancellationToken.None);

        Assert.Empty(provider.Sent);
        Assert.Equal(OneShotPhase.Failed, f.Server.Status?.Rebuild?.Phase);
        Assert.Contains("Secret \"root\"", f.Server.Status?.Rebuild?.Message, StringComparison.Ordinal);
    }
}
