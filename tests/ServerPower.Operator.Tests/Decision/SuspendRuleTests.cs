using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Tests.Tables;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionChecks;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>spec.suspend: nothing is observed or changed; a deletion is let go without stopping the server.</summary>
public sealed class SuspendRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
        from deleting in new[] { false, true }
        select new Row<ServerPowerDecisionResult>(
            deleting ? "Suspended and being deleted is Ready False and the deletion is let go with a normal event" : "Suspended is Ready False and nothing is let go",
            () =>
            {
                var server = Server(spec: s => s with { Suspend = true });
                return Checked(Decide(deleting ? Deleting(server) : server, Observed(PowerState.Stopped)));
            },
            r =>
            {
                Assert.Equal(("False", Reasons.Suspended), ReadyOf(r.Status));
                Assert.Equal(deleting, r.Decision.ReleaseFinalizer);
                List<(bool, string)> events = deleting ? [(false, "FinalizerReleased")] : [];
                Assert.Equal(events, EventsOf(r.Decision));
            }));

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();
}
