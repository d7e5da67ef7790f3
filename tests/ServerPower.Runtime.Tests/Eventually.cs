namespace ServerPower.Runtime.Tests;

/// <summary>Waits on a condition with a generous deadline (the machine is shared and slow); never asserts timing.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task Until(Func<bool> condition, string what, Action? pump = null)
    {
        var started = DateTime.UtcNow;
        while (!condition())
        {
            if (DateTime.UtcNow - started > Deadline) Assert.Fail($"timed out waiting for: {what}");
            pump?.Invoke();
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
