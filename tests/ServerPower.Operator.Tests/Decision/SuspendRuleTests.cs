using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>spec.suspend: nothing is observed or changed; a deletion is let go without stopping the server.</summary>
public sealed class SuspendRuleTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Suspended_is_Ready_False_and_a_deletion_is_let_go_with_a_normal_event(bool deleting)
    {
        var server = Server(spec: s => s with { Suspend = true });
        var r = Checked(Decide(deleting ? Deleting(server) : server, Observed(PowerState.Stopped)));
        Assert.Equal(("False", Reasons.Suspended), ReadyOf(r.Status));
        Assert.Equal(deleting, r.Decision.ReleaseFinalizer);
        List<(bool, string)> events = deleting ? [(false, "FinalizerReleased")] : [];
        Assert.Equal(events, EventsOf(r.Decision));
    }
}
