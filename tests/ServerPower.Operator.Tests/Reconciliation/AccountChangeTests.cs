using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>
/// A change of the account reaches its servers at once: a raised rate is not held back by a wait the old rate
/// imposed (the account's own rate limit is not a 429 and is not recorded as one), and a rotated Secret is used as
/// soon as the provider refused the old token. Credentials held for a server being deleted are used for its stop
/// whenever the Secret went away, as Guarantee 5 in crds/README.md says.
/// </summary>
public sealed class AccountChangeTests
{
    private const string Ns = ReconcilerFixture.Ns;

    /// <summary>What the provider layer answers when the account's own spec.rateLimit has no token.</summary>
    private static ProviderOutcome OwnRateLimit(double requestsPerSecond) => ProviderOutcome.Refused(
        OutcomeKind.RateLimited, $"the account's own rate limit (spec.rateLimit {requestsPerSecond}/s) has no token now; nothing was sent",
        TimeSpan.FromSeconds(1 / requestsPerSecond)) with { OwnLimit = true };

    private static void SetRate(ReconcilerFixture f, double requestsPerSecond)
    {
        var provider = f.Kube.Provider(Ns, "main");
        provider.Spec = provider.Spec with { RateLimit = new RateLimitSpec { RequestsPerSecond = requestsPerSecond, Burst = 1 } };
        provider.Metadata.Generation = (provider.Metadata.Generation ?? 1) + 1;
        f.Kube.Put(provider);
    }

    [Fact]
    public async Task The_accounts_own_rate_limit_is_not_reported_as_a_429_and_a_raised_rate_applies_at_once()
    {
        var f = new ReconcilerFixture();
        SetRate(f, 0.001);
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        f.Provider.ReadAnswer = account => account.RateLimit?.RequestsPerSecond < 1 ? OwnRateLimit(0.001) : null;

        await f.ReconcileAsync();

        var synced = f.Condition(ConditionTypes.Synced);
        Assert.Equal(Reasons.RateLimited, synced?.Reason);
        Assert.Contains("spec.rateLimit", synced?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("429", synced?.Message, StringComparison.Ordinal);

        // The PowerProvider's change enqueues its servers (the ServerPower controller watches PowerProviders).
        SetRate(f, 100);
        var reads = f.Provider.Reads;
        await f.ReconcileAsync();

        Assert.Equal(reads + 1, f.Provider.Reads);
        Assert.Equal(Reasons.ReconcileSucceeded, f.Condition(ConditionTypes.Synced)?.Reason);
    }

    [Fact]
    public async Task An_action_refused_with_the_old_token_is_sent_again_at_once_with_the_rotated_one()
    {
        var f = new ReconcilerFixture();
        var accepted = "s3cr3t-token";
        f.AddServer(DesiredPowerState.Running, PowerState.Running);
        f.Provider.Answer = _ => f.Provider.Accounts[^1].Credential.Reveal() == accepted
            ? ProviderOutcome.Accepted("ok")
            : new ProviderOutcome(OutcomeKind.Unauthorized, "invalid token");
        await f.ReconcileAsync();

        accepted = "rotated-token";
        f.Kube.PutSecret(Ns, "token", "token", accepted);
        f.Edit(s => s.Spec = s.Spec with { State = DesiredPowerState.Stopped });
        var refused = await f.ReconcileAsync();

        Assert.Equal(Reasons.Unauthorized, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.True(refused.RequeueAfter < f.Settings.MinPoll, $"requeued after {refused.RequeueAfter}");
        await f.ReconcileAsync();
        Assert.Equal([("1234", ActionType.Stop), ("1234", ActionType.Stop)], f.Provider.Sent);
        Assert.Equal(accepted, f.Provider.Accounts[^1].Credential.Reveal());
        Assert.Equal(Reasons.ReconcileSucceeded, f.Condition(ConditionTypes.Synced)?.Reason);
    }

    [Fact]
    public async Task A_refused_token_the_Secret_still_holds_waits_for_the_next_poll()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Stopped, PowerState.Running);
        f.Provider.Answer = _ => new ProviderOutcome(OutcomeKind.Unauthorized, "invalid token");

        var result = await f.ReconcileAsync();

        Assert.Equal(Reasons.Unauthorized, f.Condition(ConditionTypes.Synced)?.Reason);
        Assert.Equal(f.Settings.MaxPoll, result.RequeueAfter);
        Assert.Single(f.Provider.Sent);
    }

    [Fact]
    public async Task A_server_being_deleted_is_stopped_with_held_credentials_when_only_its_Secret_was_deleted()
    {
        var f = new ReconcilerFixture();
        f.AddServer(DesiredPowerState.Running, PowerState.Running, s => s.Spec = s.Spec with { DeletionPolicy = DeletionPolicy.Stop });
        await f.ReconcileAsync();

        // No namespace deletion: the Secret alone goes, the PowerProvider stays; its resync notices.
        f.Kube.RemoveSecret(Ns, "token");
        await f.ReconcileProviderAsync();
        f.Edit(s => s.Metadata.DeletionTimestamp = f.Time.GetUtcNow().UtcDateTime);
        await f.ReconcileAsync();

        Assert.Equal([("1234", ActionType.Stop)], f.Provider.Sent);
        Assert.Equal("s3cr3t-token", f.Provider.Accounts[^1].Credential.Reveal());
        Assert.Contains(f.Events, e => e.Warning && e.Reason == "ProviderGone" && e.Message.Contains("Secret \"token\"", StringComparison.Ordinal));
        Assert.True(f.Kube.HasServer(Ns, "mc"));
    }
}
