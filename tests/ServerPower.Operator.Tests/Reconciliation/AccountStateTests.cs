using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers.Contract;
using ServerPower.Runtime;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// What an account remembers between reconciles (credentials, a 429 wait, the last usable resolution held for
/// deletions) and when it lets go of it. Rows added where mutation testing found these rules unpinned.
/// </summary>
public sealed class AccountStateTests
{
    private const string Ns = ReconcilerFixture.Ns;

    [Fact]
    public async Task A_deleted_PowerProvider_releases_its_account_and_an_Unauthorized_answer_only_rereads_the_Secret()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();

        f.Resolver.Forget(Ns, "main");
        Assert.Empty(f.Provider.Released);

        f.Kube.RemoveProviderAndSecret(Ns, "main", "token");
        await f.ReconcileProviderAsync();

        Assert.Equal([$"{Ns}/main"], f.Provider.Released);
    }

    [Fact]
    public async Task The_accounts_resync_reads_its_Secret_again_so_a_rotated_token_takes_effect()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        var reads = f.Kube.SecretReads;

        f.Kube.PutSecret(Ns, "token", "token", "rotated-token");
        await f.ReconcileProviderAsync();

        Assert.Equal(reads + 1, f.Kube.SecretReads);
        Assert.Equal("rotated-token", f.Provider.Accounts[^1].Credential.Reveal());
    }

    [Theory]
    [InlineData(DesiredPowerState.Running)]
    [InlineData(DesiredPowerState.Stopped)]
    public async Task An_account_its_provider_holds_after_a_429_is_neither_read_nor_sent_to_and_comes_back_when_the_wait_ends(DesiredPowerState desired)
    {
        // The 429 wait itself is the provider layer's (Providers.Tests: ThrottleTests); the reconciler only asks it.
        var f = new ReconcilerFixture();
        f.AddServer(desired, PowerState.Running);
        f.Provider.Throttled = TimeSpan.FromSeconds(30);

        var result = await f.ReconcileAsync();

        Assert.Equal(0, f.Provider.Reads);
        Assert.Empty(f.Provider.Sent);
        Assert.Equal(ReconcileResult.After(TimeSpan.FromSeconds(30)), result);
    }

    [Fact]
    public async Task An_Unauthorized_answer_to_an_action_reads_the_Secret_again_at_once()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Stopped, PowerState.Running);
        await f.Resolver.ResolveAsync(Ns, "main", CancellationToken.None);
        var reads = f.Kube.SecretReads;
        f.Provider.Answer = _ => new ProviderOutcome(OutcomeKind.Unauthorized, "bad token");

        await f.ReconcileAsync();

        Assert.Equal(reads + 1, f.Kube.SecretReads);
    }

    [Fact]
    public async Task An_account_that_can_send_at_once_still_requeues_after_a_positive_delay()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Stopped);
        f.Provider.Wait = TimeSpan.Zero;

        var result = await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(TimeSpan.FromMilliseconds(1), result.RequeueAfter);
    }

    [Fact]
    public async Task A_status_decided_from_a_stale_object_is_a_conflict_not_an_overwrite()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        // Another writer changes the object between the read and this reconcile's status write.
        f.Kube.BeforeWrite = write =>
        {
            if (!write.StartsWith("status", StringComparison.Ordinal)) return;
            f.Kube.BeforeWrite = null;
            var server = f.Server;
            ReconcilerFixture.SetAnnotation(server, "team", "blue");
            f.Kube.Put(server);
        };

        var result = await f.ReconcileAsync();

        Assert.True(result.Conflict);
        Assert.Null(f.Server.Status);
    }

    [Fact]
    public async Task Held_credentials_stop_only_servers_being_deleted_never_a_live_one()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Stop });
        await f.ReconcileAsync();

        f.Kube.RemoveProviderAndSecret(Ns, "main", "token");
        f.Edit(s => s.Spec = s.Spec with { State = DesiredPowerState.Stopped });
        await f.ReconcileAsync();

        Assert.Empty(f.Provider.Sent);
        Assert.Equal(Reasons.ProviderNotFound, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.DoesNotContain(f.Events, e => e.Reason == "ProviderGone");
    }

    [Fact]
    public async Task Held_credentials_expire_after_an_hour()
    {
        var (f, t0, _) = await HeldThenGoneAsync();

        var (justBefore, _) = await f.Resolver.ResolveForDeletionAsync(Ns, "main", t0 + ProviderResolver.HeldFor - TimeSpan.FromSeconds(1), CancellationToken.None);
        var (atTheHour, because) = await f.Resolver.ResolveForDeletionAsync(Ns, "main", t0 + ProviderResolver.HeldFor, CancellationToken.None);

        Assert.IsType<ProviderResolution.Usable>(justBefore);
        Assert.IsType<ProviderResolution.Unusable>(atTheHour);
        Assert.Null(because);
    }

    /// <summary>The account held for a PowerProvider that is gone names the owner of its servers until the hour is up (dropped at the next hold).</summary>
    [Fact]
    public async Task A_held_account_names_the_owner_for_an_hour_only()
    {
        var (f, t0, usable) = await HeldThenGoneAsync();

        f.Resolver.Hold("elsewhere", "other", usable, t0 + ProviderResolver.HeldFor - TimeSpan.FromSeconds(1));
        Assert.Equal(usable.Account, await f.Resolver.AccountOfAsync(Ns, "main", CancellationToken.None));
        f.Resolver.Hold("elsewhere", "other", usable, t0 + ProviderResolver.HeldFor);
        Assert.Null(await f.Resolver.AccountOfAsync(Ns, "main", CancellationToken.None));
    }

    /// <summary>The fixture's account resolved and held at t0, then its PowerProvider and Secret removed.</summary>
    private static async Task<(ReconcilerFixture F, DateTimeOffset T0, ProviderResolution.Usable Usable)> HeldThenGoneAsync()
    {
        var f = new ReconcilerFixture();
        var t0 = f.Time.GetUtcNow();
        var usable = Assert.IsType<ProviderResolution.Usable>(await f.Resolver.ResolveAsync(Ns, "main", CancellationToken.None));
        f.Resolver.Hold(Ns, "main", usable, t0);
        f.Kube.RemoveProviderAndSecret(Ns, "main", "token");
        return (f, t0, usable);
    }
}
