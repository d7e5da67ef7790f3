using ServerPower.Operator.Decision;
using ServerPower.Operator.AutoStop;
using ServerPower.Providers.Activity;

namespace ServerPower.Operator.Tests.AutoStop;

/// <summary>
/// The idle run as a table. Each row is a sequence of reads, one a minute from 10:00 ("0" and "3" are counts, "?" an
/// unknown read), and the state after the last: the players, the minute the idle run began and the minute of the
/// last read with players (-1: none).
/// </summary>
public sealed class IdleRunTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("", null, -1, -1)]
    [InlineData("0", 0, 0, -1)]
    [InlineData("0 0 0", 0, 0, -1)]
    [InlineData("3", 3, -1, 0)]
    [InlineData("3 0 0", 0, 1, 0)]
    [InlineData("0 0 ?", null, -1, -1)]
    [InlineData("0 0 ? 0", 0, 3, -1)]
    [InlineData("0 ? 0 0", 0, 2, -1)]
    [InlineData("0 0 1 0", 0, 3, 2)]
    [InlineData("? ? ?", null, -1, -1)]
    [InlineData("2 ? 0", 0, 2, 0)]
    [InlineData("0 5 ?", null, -1, 1)]
    public void Only_an_unbroken_run_of_zero_reads_is_idle(string reads, int? players, int idleSinceMinute, int lastActiveMinute)
    {
        var state = ActivityState.Fresh;
        var minute = 0;
        foreach (var read in reads.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var result = read == "?" ? ActivityRead.Unknown(ActivityOutcome.TimedOut, "no answer") : ActivityRead.Count(int.Parse(read), read);
            state = IdleRun.Apply(state, result, Start.AddMinutes(minute++));
        }

        Assert.Equal(players, state.Players);
        Assert.Equal(idleSinceMinute < 0 ? null : Start.AddMinutes(idleSinceMinute), state.IdleSince);
        Assert.Equal(lastActiveMinute < 0 ? null : Start.AddMinutes(lastActiveMinute), state.LastActiveTime);
        Assert.Equal(minute == 0 ? null : Start.AddMinutes(minute - 1), state.LastReadTime);
    }

    [Theory]
    [InlineData(ActivityOutcome.Failed)]
    [InlineData(ActivityOutcome.TimedOut)]
    [InlineData(ActivityOutcome.Refused)]
    [InlineData(ActivityOutcome.Unreadable)]
    [InlineData(ActivityOutcome.TooLarge)]
    public void Every_unknown_outcome_ends_an_idle_run(ActivityOutcome outcome)
    {
        var idle = IdleRun.Apply(ActivityState.Fresh, ActivityRead.Count(0, "0"), Start);

        var after = IdleRun.Apply(idle, ActivityRead.Unknown(outcome, "why"), Start.AddMinutes(1));

        Assert.Equal((null, null, outcome), (after.Players, after.IdleSince, after.LastRead!.Outcome));
    }

    [Fact]
    public void Idle_for_counts_from_the_run_start_and_is_zero_outside_a_run()
    {
        var idle = IdleRun.Apply(ActivityState.Fresh, ActivityRead.Count(0, "0"), Start);

        Assert.Equal(TimeSpan.FromMinutes(30), IdleRun.IdleFor(idle, Start.AddMinutes(30)));
        Assert.Equal(TimeSpan.Zero, IdleRun.IdleFor(ActivityState.Fresh, Start.AddMinutes(30)));
    }

    [Fact]
    public void Steady_reads_show_nothing_new_but_the_start_of_a_run_does()
    {
        var first = IdleRun.Apply(ActivityState.Fresh, ActivityRead.Count(0, "0"), Start);
        var second = IdleRun.Apply(first, ActivityRead.Count(0, "0"), Start.AddMinutes(1));

        Assert.NotEqual(IdleRun.Shown(ActivityState.Fresh), IdleRun.Shown(first));
        Assert.Equal(IdleRun.Shown(first), IdleRun.Shown(second));
    }
}
