using ServerPower.Operator.Probing;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The prober's and the auto-stop monitor's <see cref="KeyedSchedule{T}"/>, run on the scheduler through its dispatch
/// and delay seams, with 1–3 shared slots and 1–2 per namespace: entries for four keys in two namespaces are put
/// (every 1–4 s), replaced and removed while runs are quick or slow and time passes, so wake-ups race with the
/// schedule's waits. Then runs become quick, and for 20 s time moves a second at a time, each second followed by
/// running every step there is. Checked (besides <see cref="CheckingRuns"/>' checks at every run): after each
/// second, every current entry due by then has run (no lost wake-up), and the steps come to an end (no busy loop);
/// at shutdown the schedule's loop returns and no run is left.
/// </summary>
internal static class ScheduleScenario
{
    public const int Changes = 14;

    private static readonly ObjectKey[] Keys = [new("a", "p"), new("a", "q"), new("a", "r"), new("b", "p")];

    public static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations, SharedLedger shared)
    {
        var choices = scheduler.Choices;
        var time = ScenarioSteps.NewTime();
        var maxConcurrency = 1 + choices.Next(3);
        var maxPerNamespace = 1 + choices.Next(2);
        var runs = new CheckingRuns(scheduler, time, shared, maxConcurrency, maxPerNamespace);
        runs.Schedule = new KeyedSchedule<Period>(time, maxConcurrency, maxPerNamespace, runs.RunAsync, scheduler.Dispatch,
            (delay, token) => scheduler.DelayAsync(time, delay, token));
        using var stop = new CancellationTokenSource();
        var scheduling = runs.Schedule.RunAsync(stop.Token);

        for (var change = 0; change < Changes; change++)
        {
            var key = Keys[choices.Next(Keys.Length)];
            switch (choices.Next(5))
            {
                case 0: case 1: runs.Put(key, TimeSpan.FromSeconds(1 + choices.Next(4))); break;
                case 2: runs.Remove(key); break;
                default: time.Advance(TimeSpan.FromMilliseconds(choices.Next(3000))); break;
            }
            for (var i = choices.Next(4); i >= 0; i--) await scheduler.Yield();
        }

        runs.Calm = true;
        time.Advance(TimeSpan.FromSeconds(5)); // the slow runs end
        for (var second = 0; second < 20; second++)
        {
            if (!await scheduler.DrainAsync())
            {
                violations.Add($"busy loop: steps still runnable after 2,000 at second {second} of the quiet time");
                break;
            }
            violations.AddRange(runs.LostWakeUps());
            time.Advance(TimeSpan.FromSeconds(1));
        }
        violations.AddRange(runs.Violations);

        stop.Cancel();
        if (!await scheduler.DrainAsync() || !scheduling.IsCompleted || runs.Running > 0)
            violations.Add($"after shutdown: the schedule's loop ended {scheduling.IsCompleted}, {runs.Running} runs left");
        await scheduling;
    }
}
