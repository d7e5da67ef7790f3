using System.Diagnostics;

namespace ServerPower.Reliability.Tests.Infrastructure;

/// <summary>Polls a condition up to a generous deadline (a liveness bound, not a timing assertion).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(100);

    /// <summary>True when the condition held before the deadline.</summary>
    public static async Task<bool> TryAsync(Func<bool> condition, TimeSpan? deadline = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > (deadline ?? DefaultDeadline)) return false;
            await Task.Delay(100);
        }
        return true;
    }

    public static async Task WaitAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        if (!await TryAsync(condition, deadline))
            throw new TimeoutException($"timed out after {(deadline ?? DefaultDeadline).TotalSeconds:0}s waiting for {what}");
    }
}
