using System.Diagnostics;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>Waits for a condition to hold, polling, up to a generous deadline; fails with the last observation.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(90);

    public static async Task<T> WaitAsync<T>(Func<Task<T>> observe, Func<T, bool> done, string what, TimeSpan? deadline = null)
    {
        var stopwatch = Stopwatch.StartNew();
        var limit = deadline ?? DefaultDeadline;
        T last;
        while (true)
        {
            last = await observe();
            if (done(last)) return last;
            if (stopwatch.Elapsed > limit) break;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        throw new TimeoutException($"timed out after {limit.TotalSeconds:0}s waiting for {what}; last seen: {last}");
    }

    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        WaitAsync(() => Task.FromResult(condition()), ok => ok, what, deadline);
}
