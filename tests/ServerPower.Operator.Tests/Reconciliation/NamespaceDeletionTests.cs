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

    /// <summary>Found by the simulation (seeds 308 and 831): refused held credentials blocked the deletion for good.</summary>
    [Fact]
    public async Task Held_credentials_the_provider_refuses_let_the_object_go_and_are_not_kept_alive_by_retries()
    {
        var f = Running();
        await f.ReconcileAsync();
        f.Provider.ReadAnswer = _ => new ProviderOutcome(OutcomeKind.Unauthorized, "invalid token");

        DeleteNamespace(f);
        await f.ReconcileAsync();
        if (f.Kube.HasServer(ReconcilerFixture.Ns, "mc")) await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.False(f.Kube.HasServer(ReconcilerFixture.Ns, "mc"));
        Assert.Contains(f.Events, e => e.Warning && e.Reason == Reasons.ProviderNotFound && e.Message.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Using_the_held_account_does_not_extend_it_past_its_hour()
    {
        var f = Running();
        await f.ReconcileAsync();
        DeleteNamespace(f);
        f.Provider.Answer = _ => new ProviderOutcome(OutcomeKind.Unavailable, "down");
        await f.ReconcileAsync();
        Assert.Single(f.Provider.Sent);

        f.Time.Advance(ProviderResolver.HeldFor);
        var (resolution, because) = await f.Resolver.ResolveForDeletionAsync(ReconcilerFixture.Ns, "main", f.Time.GetUtcNow(), CancellationToken.None);
        Assert.IsType<ProviderResolution.Unusable>(resolution);
        Assert.Null(because);
    }
}
