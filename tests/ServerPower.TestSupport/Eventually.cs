using System.Diagnostics;

namespace ServerPower.TestSupport;

/// <summary>
/// Waits for a condition by polling it up to a generous deadline (the machine is shared and slow), never by a fixed
/// sleep that hopes and never asserting how long it took; a timeout fails the test with what it waited for and the
/// last observation. The three forms keep the names and poll rates of the suites that use them.
/// </summary>
public static class Eventually
{
    /// <summary>The deadline of <see cref="Until"/> (in-process runtime and emulator tests).</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The deadline of <see cref="WaitAsync{T}"/> (end to end, with real processes and kubectl).</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(150);

    /// <summary>Polls a synchronous condition every 5 ms; <paramref name="pump"/> runs between polls (e.g. to advance a fake clock).</summary>
    public static Task Until(Func<bool> condition, string what, Action? pump = null) =>
        PollAsync(() => Task.FromResult(condition()), ok => ok, what, Deadline, TimeSpan.FromMilliseconds(5), pump);

    /// <summary>Polls an asynchronous condition every 20 ms.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null) =>
        PollAsync(condition, ok => ok, what, deadline ?? Deadline, TimeSpan.FromMilliseconds(20));

    /// <summary>Observes every 250 ms until <paramref name="done"/> holds, and returns that observation.</summary>
    public static Task<T> WaitAsync<T>(Func<Task<T>> observe, Func<T, bool> done, string what, TimeSpan? deadline = null) =>
        PollAsync(observe, done, what, deadline ?? DefaultDeadline, TimeSpan.FromMilliseconds(250));

    public static Task WaitAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        WaitAsync(() => Task.FromResult(condition()), ok => ok, what, deadline);

    /// <summary>The deadline of <see cref="TryAsync"/> (the reliability suite's liveness bound).</summary>
    public static readonly TimeSpan LivenessDeadline = TimeSpan.FromSeconds(100);

    /// <summary>Polls every 100 ms; true when the condition held before the deadline (the caller decides what a miss means).</summary>
    public static async Task<bool> TryAsync(Func<bool> condition, TimeSpan? deadline = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > (deadline ?? LivenessDeadline)) return false;
            await Task.Delay(100);
        }
        return true;
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> observe, Func<T, bool> done, string what, TimeSpan deadline, TimeSpan interval, Action? pump = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var last = await observe();
            if (done(last)) return last;
            if (stopwatch.Elapsed > deadline)
            {
                Assert.Fail($"timed out after {deadline.TotalSeconds:0}s waiting for: {what}; last seen: {last}");
            }
            pump?.Invoke();
            await Task.Delay(interval, TestContext.Current.CancellationToken);
        }
    }
}
