using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>Credentials are read once per account and reused; a rotation takes effect at the account's resync or at once after Unauthorized.</summary>
public sealed class CredentialReuseTests
{
    [Fact]
    public async Task A_settled_server_reads_no_Secret_per_resync()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        var reads = f.Kube.SecretReads;
        Assert.Equal(1, reads);

        for (var i = 0; i < 5; i++)
        {
            f.Time.Advance(TimeSpan.FromMinutes(5));
            await f.ReconcileAsync();
        }

        Assert.Equal(reads, f.Kube.SecretReads);
    }

    [Fact]
    public async Task A_rotated_token_is_used_at_once_after_the_provider_answered_Unauthorized()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        f.Kube.PutSecret(ReconcilerFixture.Ns, "token", "token", "rotated-token");
        f.Provider.ReadAnswer = account => account.Credential.Reveal() == "rotated-token" ? null : new ProviderOutcome(OutcomeKind.Unauthorized, "bad token");

        f.Time.Advance(TimeSpan.FromMinutes(5));
        await f.ReconcileAsync();

        // The reconcile that met Unauthorized read the Secret again and the server with the new token, not the next poll.
        Assert.Equal("rotated-token", f.Provider.Accounts[^1].Credential.Reveal());
        Assert.Equal(Reasons.ReconcileSucceeded, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.DoesNotContain(f.Events, e => e.Reason == Reasons.Unauthorized);
    }

    /// <summary>A rotated token refused too is forgotten like the first: the next reconcile reads the Secret, never sends it again.</summary>
    [Fact]
    public async Task A_rotated_token_that_is_refused_too_is_not_sent_again()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        var tokensRead = new List<string>();
        f.Provider.ReadAnswer = account =>
        {
            tokensRead.Add(account.Credential.Reveal());
            return account.Credential.Reveal() == "third-token" ? null : new ProviderOutcome(OutcomeKind.Unauthorized, "bad token");
        };
        f.Kube.PutSecret(ReconcilerFixture.Ns, "token", "token", "rotated-token");
        f.Time.Advance(TimeSpan.FromMinutes(5));
        await f.ReconcileAsync();
        Assert.Equal(["s3cr3t-token", "rotated-token"], tokensRead);

        tokensRead.Clear();
        f.Kube.PutSecret(ReconcilerFixture.Ns, "token", "token", "third-token");
        f.Time.Advance(TimeSpan.FromMinutes(5));
        await f.ReconcileAsync();

        Assert.Equal(["third-token"], tokensRead);
        Assert.Equal(Reasons.ReconcileSucceeded, f.Condition(ConditionTypes.Synced)?.Reason);
    }

    [Fact]
    public async Task A_rotated_token_is_used_after_the_accounts_resync()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        await f.ReconcileAsync();
        f.Kube.PutSecret(ReconcilerFixture.Ns, "token", "token", "rotated-token");

        var provider = f.Kube.Provider(ReconcilerFixture.Ns, "main");
        await f.Resolver.ResolveAsync(provider, refreshCredentials: true, CancellationToken.None);
        await f.ReconcileAsync();

        Assert.Equal("rotated-token", f.Provider.Accounts[^1].Credential.Reveal());
    }
}
