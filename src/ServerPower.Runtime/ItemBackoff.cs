namespace ServerPower.Runtime;

/// <summary>Per-key exponential backoff: base, 2×base, 4×base … up to the cap. Not thread-safe: the queue locks.</summary>
internal sealed class ItemBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
{
    private readonly Dictionary<ObjectKey, int> failures = [];

    public TimeSpan When(ObjectKey key)
    {
        var count = failures.GetValueOrDefault(key);
        failures[key] = count + 1;
        var ms = baseDelay.TotalMilliseconds * Math.Pow(2, count);
        return ms >= maxDelay.TotalMilliseconds || double.IsInfinity(ms) ? maxDelay : TimeSpan.FromMilliseconds(ms);
    }

    public void Forget(ObjectKey key) => failures.Remove(key);

    public int NumRequeues(ObjectKey key) => failures.GetValueOrDefault(key);
}
