using Microsoft.Extensions.Time.Testing;
using ServerPower.Runtime;

namespace ServerPower.Systematic.Tests;

/// <summary>What the scenarios share: the objects, a person's changes and the API's faults, settling, quiet time.</summary>
internal static class ScenarioSteps
{
    public static readonly ObjectKey[] Keys = [new("ns", "a"), new("ns", "b"), new("ns", "c")];

    /// <summary>Simulated seconds a run may take to settle once the faults stop (resync is 30 s, backoffs reach 2 s).</summary>
    public const int SettleSeconds = 120;

    /// <summary>The informers' short timings: a watch lasts 10–20 s (its watchdog 5 s more); failures back off as given.</summary>
    public static InformerOptions InformerTimings(TimeSpan initialBackoff, TimeSpan maxBackoff) => new()
    {
        MinWatchTimeout = TimeSpan.FromSeconds(10),
        MaxWatchTimeout = TimeSpan.FromSeconds(20),
        WatchdogMargin = TimeSpan.FromSeconds(5),
        InitialBackoff = initialBackoff,
        MaxBackoff = maxBackoff,
    };

    public static FakeTimeProvider NewTime() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// One change the seed picks: a new generation, a deletion, a status write, a watch failing (connection reset,
    /// 429, 500 or 403), a 410 relist, a failing LIST with a watch break, or time passing (up to 3 s); then up to four
    /// steps for the rest.
    /// </summary>
    public static async Task ChangeAsync(DeterministicScheduler scheduler, ScriptedApi api, FakeTimeProvider time)
    {
        var choices = scheduler.Choices;
        var key = Keys[choices.Next(Keys.Length)];
        switch (choices.Next(9))
        {
            case 0: case 1: api.Put(key); break;
            case 2: api.Delete(key); break;
            case 3: api.Touch(key); break;
            case 4: api.BreakWatches(choices.Next(4)); break;
            case 5: api.Compact(); break;
            case 6: api.FailNextList(); api.BreakWatches(); break;
            default: time.Advance(TimeSpan.FromMilliseconds(choices.Next(3000))); break;
        }
        for (var i = choices.Next(4); i >= 0; i--) await scheduler.Yield();
    }

    /// <summary>Advances time a second at a time, with steps in between, until settled or out of time.</summary>
    public static async Task<bool> SettleAsync(DeterministicScheduler scheduler, FakeTimeProvider time, Func<bool> settled)
    {
        for (var second = 0; second < SettleSeconds; second++)
        {
            for (var i = 0; i < 50; i++)
            {
                if (settled()) return true;
                await scheduler.Yield();
            }
            time.Advance(TimeSpan.FromSeconds(1));
        }
        return settled();
    }

    /// <summary>
    /// No busy loop: 65 quiet seconds after settling bring at most what resync (every 27 to 33 s) asks for, three
    /// reconciles per object.
    /// </summary>
    public static async Task<string?> QuietAsync(DeterministicScheduler scheduler, FakeTimeProvider time, ScriptedApi api,
        CheckingReconciler reconciler)
    {
        var before = reconciler.Reconciles;
        for (var second = 0; second < 65; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            for (var i = 0; i < 20; i++) await scheduler.Yield();
        }
        var allowed = 3 * api.Objects.Count;
        var done = reconciler.Reconciles - before;
        return done > allowed ? $"busy loop: {done} reconciles in 65 quiet seconds after settling (resync allows {allowed})" : null;
    }
}
