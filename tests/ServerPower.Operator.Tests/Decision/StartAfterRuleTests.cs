using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Tests.Tables;
using static ServerPower.Operator.Tests.Decision.Cases;
using static ServerPower.Operator.Tests.Decision.DecisionMessages;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>spec.startAfter: no start before the dependencies are Ready, no stop while dependents still run, a deletion waits at most the grace period, and an invalid order sends nothing.</summary>
public sealed class StartAfterRuleTests
{
    public static IEnumerable<TheoryDataRow<Row<ServerPowerDecisionResult>>> Rows => Table.Of<ServerPowerDecisionResult>(
    [
        .. from c in new (string[] NotReady, string Message)[]
           {
               (new[] { "db" }, "not started until db is Ready with desired state Running (spec.startAfter)"),
               (new[] { "db", "cache" }, "not started until db, cache are Ready with desired state Running (spec.startAfter)"),
           }
           select new Row<ServerPowerDecisionResult>($"A start waiting for dependencies is Ready False naming them: {string.Join(", ", c.NotReady)}",
               () => DecideWith(Server(), Observed(PowerState.Stopped), dependencies: new DependencyView(c.NotReady, [])),
               r =>
               {
                   Assert.Null(r.Action);
                   Assert.Equal(("False", Reasons.WaitingForDependencies, c.Message), ReadyMessageOf(r.Status));
                   Assert.Equal(Settings.ResyncPeriod, r.Decision.RequeueAfter);
               }),
        new("A stop waiting for dependents is Ready False naming them",
            () => DecideWith(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"])),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.WaitingForDependencies, "not stopped until app, web stopped (they list this server in spec.startAfter)"), ReadyMessageOf(r.Status));
            }),
        new("A state blind stop waits for dependents too",
            () => DecideWith(Server(DesiredPowerState.Stopped), Blind(), dependencies: new DependencyView([], ["app"])),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(Reasons.WaitingForDependencies, Ready(r.Status).Reason);
            }),
        // A server seen Running again after its accepted stop outlived the grace period gets a new graceful stop, and
        // that stop keeps the order too (found by the decision's generated histories: it went while a dependent being
        // stopped still ran).
        new("A new graceful stop of a server running again waits for dependents being stopped",
            () => DecideWith(Server(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1, LastAction = Accepted(ActionType.Stop, T0.AddMinutes(-20)) }),
                Observed(PowerState.Running), dependencies: new DependencyView([], ["web"])),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.WaitingForDependencies, "not stopped until web stopped (they list this server in spec.startAfter)"), ReadyMessageOf(r.Status));
            }),
        // A dependent still declared Running holds a stop for the stop-order window (30 s here); what Ready and the event
        // say is in the grammar of one dependent or several, and names them all.
        .. from c in new (string[] Running, string Held, string Anyway)[]
           {
               (["web"],
                   "not stopped yet: web lists this server in spec.startAfter and is still declared Running; if it is declared Stopped within 30s it stops first, otherwise this server stops then",
                   "web lists this server in spec.startAfter and is still declared Running 30s after its stop; stopping it anyway"),
               (["app", "web"],
                   "not stopped yet: app, web list this server in spec.startAfter and are still declared Running; if they are declared Stopped within 30s they stop first, otherwise this server stops then",
                   "app, web list this server in spec.startAfter and are still declared Running 30s after its stop; stopping it anyway"),
           }
           select new Row<ServerPowerDecisionResult>($"A stop held for dependents still declared Running says who, and stops anyway after the window: {string.Join(", ", c.Running)}",
               () => DecideWith(Server(DesiredPowerState.Stopped), Observed(PowerState.Running), dependencies: new DependencyView([], [], RunningDependents: c.Running)),
               held =>
               {
                   Assert.Null(held.Action);
                   Assert.Equal(("False", Reasons.WaitingForDependencies, c.Held), ReadyMessageOf(held.Status));
                   var later = DecideWith(Server(DesiredPowerState.Stopped, held.Status), Observed(PowerState.Running),
                       dependencies: new DependencyView([], [], RunningDependents: c.Running), now: T0 + Settings.StopOrderWindow);
                   Assert.Equal(ActionType.Stop, later.Action);
                   Assert.Equal([(true, Reasons.WaitingForDependencies, c.Anyway)], EventMessagesOf(later));
               }),
        // Deleted 105 s ago with a 2m grace period: 15 s are left, less than the longest poll (30 s).
        new("A deletion waiting for dependents comes back when the grace period ends",
            () => DecideWith(BeingDeleted(T0.AddSeconds(-105)), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"])),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.WaitingForDependencies,
                    "being deleted: stopped once app, web stopped (they list this server in spec.startAfter), at most 2m after the deletion"), ReadyMessageOf(r.Status));
                Assert.Equal(TimeSpan.FromSeconds(15), r.Decision.RequeueAfter);
            }),
        new("A deletion that waited the grace period stops the server with a warning naming the dependents",
            () => DecideWith(BeingDeleted(T0.AddMinutes(-2)), Observed(PowerState.Running), dependencies: new DependencyView([], ["app", "web"])),
            r =>
            {
                Assert.Equal(ActionType.Stop, r.Action);
                Assert.Equal([(true, Reasons.WaitingForDependencies, "app, web did not stop within 2m of the deletion; stopping this server anyway")], EventMessagesOf(r));
            }),
        new("An invalid order with the server not as declared is Synced and Ready False saying what to fix",
            () => DecideWith(Server(), Observed(PowerState.Stopped), dependencies: new DependencyView([], [], Cycle)),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.InvalidSpec, Cycle), SyncedMessageOf(r.Status));
                Assert.Equal(("False", Reasons.WaitingForDependencies, $"{Cycle}; nothing is sent until spec.startAfter is fixed"), ReadyMessageOf(r.Status));
                Assert.Equal(PowerState.Stopped, r.Status.PowerState);
            }),
        new("An invalid order with the server as declared is Ready with its probe counted from the last start",
            () => DecideWith(StartedWithProbe(), Observed(PowerState.Running), new ReadinessView(Passing(T0.AddSeconds(-30))), new DependencyView([], [], Cycle)),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(("False", Reasons.InvalidSpec, Cycle), SyncedMessageOf(r.Status));
                Assert.Equal(("True", Reasons.InDesiredState, "the server is Running; its readiness probe passes"), ReadyMessageOf(r.Status));
                Assert.Equal(PowerState.Running, r.Status.PowerState);
            }),
        new("An invalid order of a state blind server reports its state as Unknown",
            () => DecideWith(Server(status: new ServerPowerStatus { ObservedGeneration = 1, PowerState = PowerState.Running }), Blind(), dependencies: new DependencyView([], [], Cycle)),
            r =>
            {
                Assert.Null(r.Action);
                Assert.Equal(PowerState.Unknown, r.Status.PowerState);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public void Holds(Row<ServerPowerDecisionResult> row) => row.Run();
}
