namespace ServerPower.Providers.Tests.Support;

/// <summary>Waits for a condition with a generous deadline (never a fixed sleep that hopes).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
