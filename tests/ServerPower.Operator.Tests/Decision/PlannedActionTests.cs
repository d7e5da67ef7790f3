using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>With managementPolicy Observe, status.plannedAction says what Manage would do now; Observe itself never acts.</summary>
public sealed class PlannedActionTests
{
    private static ServerPowerResource Observing(DesiredPowerState state = DesiredPowerState.Running, Dictionary<string, string>? annotations = null,
        ServerPowerStatus? status = null) =>
        Server(state, status, s => s with { ManagementPolicy = ManagementPolicy.Observe }, annotations);

    [Theory]
    [InlineData(DesiredPowerState.Running, PowerState.Stopped, "Start")]
    [InlineData(DesiredPowerState.Stopped, PowerState.Running, "Stop")]
    [InlineData(DesiredPowerState.Running, PowerState.Running, PlannedActionStatus.None)]
    public void Observe_plans_what_Manage_would_do_and_does_nothing(DesiredPowerState declared, PowerState observed, string planned)
    {
        var r = Decide(Observing(declared), Observed(observed));

        Assert.Null(r.Action);
        Assert.Equal(planned, r.Status.PlannedAction?.Action);
        Assert.False(string.IsNullOrEmpty(r.Status.PlannedAction?.Reason));
        if (planned != PlannedActionStatus.None) Assert.Contains($"declared {declared}", r.Status.PlannedAction!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_on_a_provider_that_cannot_report_state_plans_the_declared_action()
    {
        var r = Decide(Observing(DesiredPowerState.Running), Blind());

        Assert.Null(r.Action);
        Assert.Equal(new PlannedActionStatus { Action = "Start", Reason = "sending Start (declared Running; Heo cannot report state)" }, r.Status.PlannedAction);
    }

    [Fact]
    public void A_new_token_seen_under_Observe_is_skipped_and_not_planned()
    {
        var r = Decide(Observing(annotations: Restart("r9")), Observed(PowerState.Running));
        Assert.Equal(OneShotPhase.Skipped, r.Status.Restart?.Phase);
        Assert.Equal(PlannedActionStatus.None, r.Status.PlannedAction?.Action);
    }

    [Fact]
    public void Manage_clears_the_plan_and_the_plan_is_stable_when_decided_again()
    {
        var first = Decide(Observing(DesiredPowerState.Stopped), Observed(PowerState.Running));
        var again = Decide(Observing(DesiredPowerState.Stopped, status: first.Status), Observed(PowerState.Running));
        Assert.True(ServerPower.Operator.Reconciliation.ServerPowerReconciler.StatusEquals(first.Status, again.Status));

        var managed = Decide(Server(DesiredPowerState.Stopped, first.Status), Observed(PowerState.Running));
        Assert.Null(managed.Status.PlannedAction);
        Assert.Equal(ActionType.Stop, managed.Action);
    }
}
