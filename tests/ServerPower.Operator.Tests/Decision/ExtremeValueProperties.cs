using CsCheck;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Scheduling;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary>
/// Issue 20: no value a user can write throws out of the decision. Generated override annotations, grace periods,
/// reassert intervals and last-action times, extremes first, go through what a reconcile runs purely (the effective
/// state, the decision, the outcome, the requeue); none throws, and a deletion always goes on.
/// </summary>
public sealed class ExtremeValueProperties
{
    private static readonly Gen<string?> Override = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (3, Gen.Select(Gen.OneOf("Running until ", "Stopped until "),
            Gen.OneOf("9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+00:01",
                "2026-11-22T10:00:00+23:59", "2026-11-22t10:00:01z", "2026-11-22T09:59:59-23:59"), (a, b) => (string?)(a + b))),
        (1, ExtremeText.Value.Select(v => (string?)v)));

    private static readonly Gen<string> GracePeriod = Gen.Frequency(
        (3, Gen.OneOf("999999999h", "2562048h", "8760h", "8761h", "0s", "1ms", "10m", new string('9', 400) + "s", "")),
        (1, ExtremeText.Value));

    /// <summary>What ProviderResolver lets through (more than 0s, at most 8760h), and past it.</summary>
    private static readonly Gen<TimeSpan?> Reassert = Gen.OneOf<TimeSpan?>(null, TimeSpan.FromTicks(1), TimeSpan.FromHours(8760), TimeSpan.MaxValue);

    private static readonly Gen<DateTimeOffset> RequestTime = Gen.OneOf(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, T0, T0.AddMinutes(-11), T0.AddSeconds(-1));

    private static readonly Gen<LastAction?> Last = Gen.Frequency(
        (1, Gen.Const((LastAction?)null)),
        (3, Gen.Select(Gen.Enum<ActionType>(), RequestTime, Gen.Enum<ActionResult>(),
            (type, at, result) => (LastAction?)new LastAction { Type = type, RequestTime = at, Result = result, Message = "m" })));

    [Fact]
    public void No_extreme_value_throws_out_of_a_reconcile_and_a_deletion_always_goes_on()
    {
        var gen = Gen.Select(Override, GracePeriod, Reassert, Last, Gen.Bool, Gen.Bool, Gen.Enum<PowerState>(), Gen.Enum<StopTimeoutAction>());
        gen.Sample((value, grace, reassert, last, deleting, blind, power, onTimeout) =>
        {
            var server = Server(DesiredPowerState.Stopped, new ServerPowerStatus { ObservedGeneration = 1, LastAction = last },
                s => s with { Stop = new StopSpec { GracePeriod = grace, OnTimeout = onTimeout }, DeletionPolicy = DeletionPolicy.Stop },
                value is null ? null : new Dictionary<string, string> { [Annotations.Override] = value });
            if (deleting)
            {
                server.Metadata.DeletionTimestamp = T0.UtcDateTime.AddMinutes(-1);
                server.Metadata.Finalizers = [Annotations.StopFinalizer];
            }
            var intent = EffectiveState.Resolve(server, null, T0);
            var view = blind ? Blind(reassert) : new ProviderView.Resolved(ProviderType.Wings, Wings, ReadResult.Of(new ObservedServer(power, "x")), reassert);
            var input = new DecisionInput(server, view, T0, Settings, Intent: intent);

            var decision = ServerPowerDecider.Decide(input);
            var result = TransitionRequeue.At(ServerPowerReconciler.Requeue(decision.RequeueAfter, Settings), (intent as Intent.Known)?.NextChange, T0);
            if (decision.Action is not null)
                result = ServerPowerReconciler.Requeue(ServerPowerDecider.AfterAction(input, decision.Sent, new ProviderOutcome(OutcomeKind.Accepted, "ok")).RequeueAfter, Settings);

            Assert.True(result.RequeueAfter is null || result.RequeueAfter > TimeSpan.Zero);
            // A deletion is never held by a value: with the server running and nothing sent yet, the stop goes out.
            if (deleting && last is null && (blind || power == PowerState.Running))
                Assert.Equal(ActionType.Stop, decision.Action?.Type);
        }, iter: 20_000);
    }
}
