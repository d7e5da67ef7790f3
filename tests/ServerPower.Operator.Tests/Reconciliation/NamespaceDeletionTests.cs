using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>Deleting a namespace removes the PowerProvider and Secret in the same sweep as the servers that need them to stop.</summary>
public sealed class NamespaceDeletionTests
{
    private static ReconcilerFixture Running()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Stop });
        return f;
    }

    private static void DeleteNamespace(ReconcilerFixture f)
    {
        f.Kube.RemoveProviderAndSecret(ReconcilerFixture.Ns, "main", "token");
        f.Edit(s => s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime);
    }

    [Fact]
    public async Task A_server_is_stopped_with_the_credentials_held_for_its_account_and_an_event_says_so()
    {
        var f = Running();
        await f.ReconcileAsync();
        Assert.Contains(Annotations.StopFinalizer, f.Server.Metadata.Finalizers ?? []);

        DeleteNamespace(f);
        await f.ReconcileAsync();

        Assert.Equal([("1234", ActionType.Stop)], f.Provider.Sent);
        Assert.Equal("s3cr3t-token", f.Provider.Accounts[^1].Credential.Reveal());
        Assert.Contains(f.Events, e => e.Warning && e.Reason == "ProviderGone" && e.Message.Contains("credentials held", StringComparison.Ordinal));

        f.Provider.Servers["1234"] = new ObservedServer(PowerState.Stopped, "stopped");
        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.ReconcileAsync();
        Assert.False(f.Kube.HasServer(ReconcilerFixture.Ns, "mc"));
    }

    [Fact]
    public async Task Without_held_credentials_the_object_is_let_go_unstopped_and_an_event_says_why()
    {
        var f = Running();
        await f.ReconcileAsync();
        f.Time.Advance(ProviderResolver.HeldFor + TimeSpan.FromMinutes(1));

        DeleteNamespace(f);
        await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.False(f.Kube.HasServer(ReconcilerFixture.Ns, "mc"));
        Assert.Contains(f.Events, e => e.Warning && e.Reason == Reasons.ProviderNotFound);
    }
}
