using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>The decision fed the effective desired state (override > schedule > spec.state), as a table.</summary>
public sealed class EffectiveStateDecisionTests
{
    private static readonly DateTimeOffset Until = T0.AddHours(2);

    private static Intent Schedule(TargetPowerState state) => new Intent.Known(state, "schedule office-hours", T0.AddHours(1));

    private static Intent Override(TargetPowerState state) =>
        new Intent.Known(state, "override", Until) { Override = new OverrideStatus { State = state, Until = Until, Active = true } };

    private static readonly Intent Missing = new Intent.Unknown(Reasons.ScheduleNotFound, "PowerSchedule \"office-hours\" was not found in this namespace; the server is left as it is");
    private static readonly Intent Malformed = new Intent.Unknown(Reasons.InvalidSpec, "annotation power.serverops.io/override must be ...; nothing is sent while it stays");

    private static ServerPowerDecisionResult DecideWith(Intent? intent, ServerPowerResource server, PowerState observed)
    {
        var input = new DecisionInput(server, Observed(observed), T0, Settings, Intent: intent);
        return new ServerPowerDecisionResult(input, ServerPowerDecider.Decide(input));
    }

    private static ServerPowerResource Scheduled(ServerPowerStatus? status = null, Dictionary<string, string>? annotations = null) =>
        Server(DesiredPowerState.Scheduled, status, s => s with { ScheduleRef = new LocalObjectReference { Name = "office-hours" } }, annotations);

    public static TheoryData<string, int, PowerState, ActionType?, string, string, string, string?> Rows => new()
    {
        // what,                                     intent, observed,            action,           Ready,   Ready reason,              Synced reason,               desiredState
        { "schedule says Running, server stopped",   0, PowerState.Stopped,       ActionType.Start, "False", Reasons.ActionPending,     Reasons.ReconcileSucceeded,  "Running" },
        { "schedule says Running, server running",   0, PowerState.Running,       null,             "True",  Reasons.InDesiredState,    Reasons.ReconcileSucceeded,  "Running" },
        { "schedule says Stopped, server running",   1, PowerState.Running,       ActionType.Stop,  "False", Reasons.ActionPending,     Reasons.ReconcileSucceeded,  "Stopped" },
        { "schedule says Stopped, server stopped",   1, PowerState.Stopped,       null,             "True",  Reasons.InDesiredState,    Reasons.ReconcileSucceeded,  "Stopped" },
        { "override Stopped, server running",        2, PowerState.Running,       ActionType.Stop,  "False", Reasons.ActionPending,     Reasons.ReconcileSucceeded,  "Stopped" },
        { "schedule missing: left as it is",         3, PowerState.Running,       null,             "False", Reasons.ScheduleNotFound,  Reasons.ScheduleNotFound,    null },
        { "schedule missing, server stopped",        3, PowerState.Stopped,       null,             "False", Reasons.ScheduleNotFound,  Reasons.ScheduleNotFound,    null },
        { "override malformed: left as it is",       4, PowerState.Running,       null,             "False", Reasons.InvalidSpec,       Reasons.InvalidSpec,         null },
        { "no intent given for Scheduled: nothing",  5, PowerState.Stopped,       null,             "False", Reasons.InvalidSpec,       Reasons.InvalidSpec,         null },
    };

    private static Intent? IntentOf(int row) => row switch
    {
        0 => Schedule(TargetPowerState.Running),
        1 => Schedule(TargetPowerState.Stopped),
        2 => Override(TargetPowerState.Stopped),
        3 => Missing,
        4 => Malformed,
        _ => null,
    };

    [Theory, MemberData(nameof(Rows))]
    public void Decides_on_the_effective_state(string what, int intent, PowerState observed, ActionType? action, string ready, string readyReason, string syncedReason, string? desired)
    {
        var r = DecideWith(IntentOf(intent), Scheduled(), observed);

        Assert.True(action == r.Action, $"{what}: action {r.Action}");
        Assert.Equal(ready, Ready(r.Status).Status);
        Assert.Equal(readyReason, Ready(r.Status).Reason);
        Assert.Equal(syncedReason, Synced(r.Status)?.Reason);
        Assert.Equal(desired, r.Status.DesiredState?.ToString());
    }

    [Theory, MemberData(nameof(Rows))]
    public void Deciding_on_its_own_output_changes_nothing(string what, int intent, PowerState observed, ActionType? action, string ready, string readyReason, string syncedReason, string? desired)
    {
        _ = (action, ready, readyReason, syncedReason, desired);
        var first = DecideWith(IntentOf(intent), Scheduled(), observed);
        var status = first.Decision.Action is null ? first.Status : first.After(ProviderOutcome.Accepted()).Status;
        var again = DecideWith(IntentOf(intent), Scheduled(status), observed);
        var third = DecideWith(IntentOf(intent), Scheduled(again.Status), observed);
        Assert.True(ApiJson.Serialize(again.Status) == ApiJson.Serialize(third.Status), what);
        Assert.Null(third.Action);
    }

    [Fact]
    public void An_unknown_state_sends_no_one_shot_either()
    {
        var server = Scheduled(annotations: Restart("now-1"));
        var r = DecideWith(Missing, server, PowerState.Running);
        Assert.Null(r.Action);
        Assert.Null(r.Status.Restart);
    }

    [Fact]
    public void Deletion_is_not_blocked_by_a_missing_schedule()
    {
        var server = Scheduled();
        server.Spec = server.Spec with { DeletionPolicy = DeletionPolicy.Stop };
        server.Metadata.DeletionTimestamp = T0.UtcDateTime;
        server.Metadata.Finalizers = [Annotations.StopFinalizer];

        var r = DecideWith(Missing, server, PowerState.Running);

        Assert.Equal(ActionType.Stop, r.Action);
        Assert.Equal(TargetPowerState.Stopped, r.Status.DesiredState);
    }

    [Fact]
    public void Ready_says_when_an_override_is_in_force_and_status_shows_it()
    {
        var r = DecideWith(Override(TargetPowerState.Stopped), Scheduled(), PowerState.Stopped);

        Assert.Equal("the server is Stopped (override Stopped until 2026-11-22T12:00:00Z in force)", Ready(r.Status).Message);
        Assert.Equal(new OverrideStatus { State = TargetPowerState.Stopped, Until = Until, Active = true }, r.Status.Override);
    }

    [Fact]
    public void An_expired_override_is_shown_inactive_and_not_mentioned_in_Ready()
    {
        var expired = new OverrideStatus { State = TargetPowerState.Running, Until = T0.AddHours(-1), Active = false };
        var r = DecideWith(new Intent.Known(TargetPowerState.Stopped, "spec.state") { Override = expired }, Server(DesiredPowerState.Stopped), PowerState.Stopped);

        Assert.Equal("the server is Stopped", Ready(r.Status).Message);
        Assert.Equal(expired, r.Status.Override);
    }

    [Fact]
    public void Events_when_an_override_starts_and_ends_and_none_in_between()
    {
        var started = DecideWith(Override(TargetPowerState.Running), Server(DesiredPowerState.Stopped), PowerState.Running);
        Assert.Contains(started.Decision.Events, e => e.Reason == "OverrideStarted" && e.Message.Contains("override Running until 2026-11-22T12:00:00Z is in force"));

        var steady = DecideWith(Override(TargetPowerState.Running), Server(DesiredPowerState.Stopped, started.Status), PowerState.Running);
        Assert.DoesNotContain(steady.Decision.Events, e => e.Reason.StartsWith("Override", StringComparison.Ordinal));

        var expired = new Intent.Known(TargetPowerState.Stopped, "spec.state") { Override = started.Status.Override! with { Active = false } };
        var ended = DecideWith(expired, Server(DesiredPowerState.Stopped, started.Status), PowerState.Running);
        Assert.Contains(ended.Decision.Events, e => e.Reason == "OverrideEnded" && e.Message.Contains("its time has passed"));
        Assert.Equal(ActionType.Stop, ended.Action);

        var removed = DecideWith(Intent.FromSpec(new ServerPowerSpec { State = DesiredPowerState.Stopped }), Server(DesiredPowerState.Stopped, started.Status), PowerState.Running);
        Assert.Contains(removed.Decision.Events, e => e.Reason == "OverrideEnded" && e.Message.Contains("the annotation was removed"));
        Assert.Null(removed.Status.Override);
    }
}
