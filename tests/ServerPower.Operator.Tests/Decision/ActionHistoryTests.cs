using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;
using ServerPower.Providers.Contract;
using static ServerPower.Operator.Tests.Decision.Cases;

namespace ServerPower.Operator.Tests.Decision;

/// <summary><c>status.history</c>: one entry per action, updated as its result becomes known, newest first, at most 10.</summary>
public sealed class ActionHistoryTests
{
    [Fact]
    public void An_action_is_one_entry_recorded_before_sending_and_updated_with_its_answer()
    {
        var sending = Decide(Server(DesiredPowerState.Stopped), Observed(PowerState.Running));
        var recorded = Assert.Single(sending.Status.History!);
        Assert.Equal((ActionType.Stop, ActionResult.Uncertain, T0), (recorded.Type, recorded.Result, recorded.RequestTime));

        var answered = sending.After(ProviderOutcome.Accepted("stopping"));
        var entry = Assert.Single(answered.Status.History!);
        Assert.Equal((ActionType.Stop, ActionResult.Accepted, "stopping"), (entry.Type, entry.Result, entry.Message));
        Assert.Equal(answered.Status.LastAction!.RequestTime, entry.RequestTime);
    }

    [Fact]
    public void A_one_shot_entry_carries_its_token_and_a_refusal_before_sending_leaves_no_entry()
    {
        var sending = Decide(Server(annotations: Restart("r1")), Observed(PowerState.Running));
        Assert.Equal("r1", Assert.Single(sending.Status.History!).Token);

        var refused = sending.After(new ProviderOutcome(OutcomeKind.RateLimited, "rate limit", TimeSpan.FromSeconds(5), NotSent: true));
        Assert.Null(refused.Status.History);
    }

    [Fact]
    public void The_newest_ten_are_kept_newest_first()
    {
        IReadOnlyList<HistoryEntry>? history = null;
        for (var i = 0; i < 25; i++)
        {
            var at = T0.AddMinutes(i);
            history = ActionHistory.Record(history, new LastAction { Type = ActionType.Start, RequestTime = at, Result = ActionResult.Uncertain });
            history = ActionHistory.Record(history, new LastAction { Type = ActionType.Start, RequestTime = at, Result = ActionResult.Accepted, Message = $"#{i}" });
            history = ActionHistory.Record(history, new LastAction { Type = ActionType.Start, RequestTime = at, Result = ActionResult.Accepted, Message = $"#{i}", SettledTime = at.AddSeconds(30) });
        }
        Assert.Equal(HistoryEntry.MaxEntries, history!.Count);
        Assert.Equal(Enumerable.Range(15, 10).Reverse().Select(i => $"#{i}"), history.Select(h => h.Message));
        Assert.All(history, h => Assert.Equal(ActionResult.Accepted, h.Result));
    }

    [Fact]
    public void A_settled_action_changes_nothing_in_the_history()
    {
        var history = ActionHistory.Record(null, Accepted(ActionType.Start, T0));
        Assert.Same(history, ActionHistory.Record(history, Accepted(ActionType.Start, T0) with { SettledTime = T0.AddMinutes(1) }));
    }
}
