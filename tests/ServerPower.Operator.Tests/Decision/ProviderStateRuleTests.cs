using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>The provider is resolved and the server's state read: what an unresolved provider, a failed or missing read, an unknown state and a throttled account report, and when a deletion may go.</summary>
public sealed class ProviderStateRuleTests
{
    [Fact]
    public void An_unresolved_provider_is_Synced_and_Ready_False_with_a_warning_and_no_deletion_hint()
    {
        var r = Checked(Decide(Server(), new ProviderView.Unresolved(Reasons.CredentialsMissing, "key \"token\" of Secret \"t\" not found")));
        Assert.Equal(("False", Reasons.CredentialsMissing), SyncedOf(r.Status));
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
        Assert.Contains("Secret \"t\"", Ready(r.Status).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("deletionPolicy", Ready(r.Status).Message, StringComparison.Ordinal);
        Assert.Equal([(true, Reasons.CredentialsMissing)], EventsOf(r.Decision));
        Assert.Equal(Settings.MaxPoll, r.Decision.RequeueAfter);
    }

    [Fact]
    public void A_missing_provider_at_deletion_lets_go_without_a_deletion_hint()
    {
        var r = Checked(Decide(Deleting(Server()), new ProviderView.Unresolved(Reasons.ProviderNotFound, "PowerProvider \"p\" not found")));
        Assert.True(r.Decision.ReleaseFinalizer);
        Assert.DoesNotContain("deletionPolicy", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OutcomeKind.Busy, PowerState.Busy, Reasons.ActionPending)]
    [InlineData(OutcomeKind.Suspended, PowerState.Suspended, Reasons.ServerSuspended)]
    public void A_read_answered_busy_or_suspended_is_a_state_not_a_failure(OutcomeKind answer, PowerState power, string reason)
    {
        var r = Checked(Decide(Server(), ReadFails(answer)));
        Assert.Null(r.Action);
        Assert.False(r.Decision.Failed);
        Assert.Equal(power, r.Status.PowerState);
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
        Assert.Equal(("False", reason), ReadyOf(r.Status));
    }

    [Fact]
    public void A_readable_provider_whose_state_was_not_read_is_not_taken_for_a_state()
    {
        var r = Checked(Decide(Server(), new ProviderView.Resolved(ProviderType.Wenium, Wenium, null, null)));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.ProviderUnavailable), SyncedOf(r.Status));
        Assert.Contains("not read", Synced(r.Status)!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, OutcomeKind.Unavailable)]
    [InlineData(false, OutcomeKind.NotFound)]
    [InlineData(true, OutcomeKind.Unavailable)]
    [InlineData(true, OutcomeKind.NotFound)]
    public void A_failed_read_is_reported_and_only_a_server_unknown_to_the_provider_lets_a_deletion_go(bool deleting, OutcomeKind kind)
    {
        var r = Checked(Decide(deleting ? Deleting(Server()) : Server(), ReadFails(kind)));
        var release = deleting && kind == OutcomeKind.NotFound;
        var reason = OutcomeReasons.SyncedReason(kind);
        Assert.Null(r.Action);
        Assert.Equal(("False", reason), SyncedOf(r.Status));
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
        Assert.Equal([(true, reason)], EventsOf(r.Decision));
        Assert.Equal(release, r.Decision.ReleaseFinalizer);
        Assert.Equal(kind == OutcomeKind.Unavailable, r.Decision.Failed);
        TimeSpan? requeue = release || kind == OutcomeKind.Unavailable ? null : Settings.MaxPoll;
        Assert.Equal(requeue, r.Decision.RequeueAfter);
        // Only a deletion that stays blocked says how to let the object go.
        Assert.Equal(deleting && !release, Ready(r.Status).Message.Contains("deletionPolicy: Orphan", StringComparison.Ordinal));
    }

    [Fact]
    public void A_successful_read_clears_an_earlier_Synced_failure()
    {
        var earlier = new ServerPowerStatus
        {
            ObservedGeneration = 1,
            Conditions = [new Api.Resources.Condition { Type = ConditionTypes.Synced, Status = ConditionStatus.False, Reason = Reasons.ProviderUnavailable, Message = "503", LastTransitionTime = T0.AddMinutes(-1) }],
        };
        var r = Checked(Decide(Server(status: earlier), Observed(PowerState.Running)));
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
    }

    [Fact]
    public void An_unknown_state_is_reported_in_the_providers_words()
    {
        var view = new ProviderView.Resolved(ProviderType.Wenium, Wenium, ReadResult.Of(new ObservedServer(PowerState.Unknown, "migrating-7")), null);
        var r = Checked(Decide(Server(), view));
        Assert.Null(r.Action);
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(r.Status));
        Assert.Contains("migrating-7", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_waiting_for_a_throttled_account_is_Synced_False_saying_it_waits_for_the_Retry_After()
    {
        var server = Server(DesiredPowerState.Stopped, DecideWith(Server(), Observed(PowerState.Running)).Status);
        server.Metadata.Generation = 2;
        var r = DecideWith(server, new ProviderView.Resolved(ProviderType.Wenium, Wenium, null, null, TimeSpan.FromMinutes(1)));
        Assert.Equal("False", Synced(r.Status)?.Status);
        Assert.Contains("429", Synced(r.Status)?.Message, StringComparison.Ordinal);
        Assert.Contains("Retry-After", Synced(r.Status)?.Message, StringComparison.Ordinal);
    }
}
