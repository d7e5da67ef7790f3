using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>Restart and rebuild annotations: invalid tokens, what is sent, skipped, failed, or waits, and how a one-shot is recorded.</summary>
public sealed class OneShotRuleTests
{
    [Fact]
    public void Two_invalid_annotations_keep_Synced_False_whatever_else_succeeds()
    {
        var annotations = new Dictionary<string, string> { [Annotations.Restart] = "not valid!", [Annotations.Rebuild] = "nor this!" };
        var r = Checked(Decide(Server(annotations: annotations), Observed(PowerState.Running)));
        Assert.Equal(("False", Reasons.InvalidSpec), SyncedOf(r.Status));
        Assert.Equal([(true, Reasons.InvalidSpec), (true, Reasons.InvalidSpec)], EventsOf(r.Decision));
    }

    [Fact]
    public void A_one_shot_being_sent_is_Ready_False_naming_its_token()
    {
        var r = Checked(Decide(Server(status: new ServerPowerStatus { ObservedGeneration = 1, Conditions = ReadyTrue() }, annotations: Restart("r1")), Observed(PowerState.Running)));
        Assert.Equal(ActionType.Restart, r.Action);
        Assert.False(r.Decision.Failed);
        Assert.Equal(("False", Reasons.ActionPending), ReadyOf(r.Status));
        Assert.Contains("r1", Ready(r.Status).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_one_shot_found_in_Sending_warns_in_an_event()
    {
        var status = new ServerPowerStatus { ObservedGeneration = 1, Restart = new OneShotStatus { Token = "r1", Phase = OneShotPhase.Sending } };
        var r = Checked(Decide(Server(status: status, annotations: Restart("r1")), Observed(PowerState.Running)));
        Assert.Equal([(true, Reasons.OneShotUncertain)], EventsOf(r.Decision));
        Assert.Contains("r1", r.Decision.Events[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rebuild_token_set_while_the_object_is_being_deleted_is_Skipped_and_the_server_stopped()
    {
        var server = Deleting(Server(spec: s => s with { Rebuild = new RebuildSpec { OsId = "debian-12" } }, annotations: Rebuild("b1")));
        var r = Checked(Decide(server, Observed(PowerState.Running)));
        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Equal(OneShotPhase.Skipped, r.Status.Rebuild?.Phase);
        Assert.Contains("deleted", r.Status.Rebuild?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_restart_of_a_stopped_server_is_Skipped_and_the_server_started()
    {
        var r = Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Stopped)));
        Assert.Equal(ActionType.Start, r.Action);
        Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
        Assert.Contains((false, "RestartSkipped"), EventsOf(r.Decision));
    }

    [Fact]
    public void A_rebuild_of_a_stopped_server_is_sent()
    {
        var r = Checked(Decide(Server(spec: s => s with { Rebuild = new RebuildSpec { OsId = "debian-12" } }, annotations: Rebuild("b1")), Observed(PowerState.Stopped)));
        Assert.Equal(new PlannedAction(ActionType.Rebuild, "b1"), r.Decision.Action);
    }

    [Fact]
    public void A_one_shot_for_a_server_suspended_at_the_provider_fails_and_sends_nothing()
    {
        var r = Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Suspended)));
        Assert.Null(r.Action);
        Assert.Equal(OneShotPhase.Failed, r.Status.Restart?.Phase);
        Assert.Contains("suspended", r.Status.Restart?.Message, StringComparison.Ordinal);
        Assert.Equal([(true, "RestartFailed")], EventsOf(r.Decision));
    }

    [Fact]
    public void A_one_shot_the_provider_does_not_support_fails_without_calling_the_spec_invalid()
    {
        var r = Checked(Decide(Server(annotations: Rebuild("b1")), Observed(PowerState.Running, NoRebuild)));
        Assert.Null(r.Action);
        Assert.Equal(OneShotPhase.Failed, r.Status.Rebuild?.Phase);
        Assert.Equal(("True", Reasons.ReconcileSucceeded), SyncedOf(r.Status));
        Assert.Equal([(true, "RebuildFailed")], EventsOf(r.Decision));
    }

    [Theory]
    [InlineData(PowerState.Starting)]
    [InlineData(PowerState.Stopping)]
    [InlineData(PowerState.Busy)]
    public void A_new_one_shot_waits_while_the_server_is_in_transition(PowerState power)
    {
        var r = Checked(Decide(Server(annotations: Restart("r1")), Observed(power)));
        Assert.Null(r.Action);
        Assert.Null(r.Status.Restart);
    }

    [Theory]
    [InlineData(ActionType.Rebuild, false, true, true)]
    [InlineData(ActionType.Rebuild, false, false, false)]
    [InlineData(ActionType.Rebuild, true, true, false)]
    [InlineData(ActionType.Restart, false, true, false)]
    public void A_provider_that_rebuilds_as_configured_there_says_spec_rebuild_is_ignored(ActionType type, bool usesSpec, bool hasSpec, bool ignored)
    {
        var server = Server(spec: s => hasSpec ? s with { Rebuild = new RebuildSpec { OsId = "debian-12" } } : s,
            annotations: type == ActionType.Rebuild ? Rebuild("t1") : Restart("t1"));
        var r = Checked(Decide(server, Observed(PowerState.Running, usesSpec ? Wenium : Wings)));
        Assert.Equal(type, r.Action);
        List<(bool, string)> events = ignored ? [(false, "RebuildSpecIgnored")] : [];
        Assert.Equal(events, EventsOf(r.Decision));
    }

    [Fact]
    public void A_refused_one_shot_is_Failed_not_Uncertain()
    {
        var after = Checked(Decide(Server(annotations: Restart("r1")), Observed(PowerState.Running)).After(new ProviderOutcome(OutcomeKind.Unavailable, "502")));
        Assert.Equal(OneShotPhase.Failed, after.Status.Restart?.Phase);
        Assert.Equal(("False", Reasons.ProviderError), ReadyOf(after.Status));
        Assert.False(after.Failed);
    }
}
