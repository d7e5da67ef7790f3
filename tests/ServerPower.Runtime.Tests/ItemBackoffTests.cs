using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class ItemBackoffTests
{
    private static readonly ObjectKey A = new("ns", "a");

    [Fact]
    public void A_delay_that_reaches_the_cap_is_the_cap_itself_to_the_tick()
    {
        // 3 ticks is 0.0003 ms, and 0.0003 ms converted back is 2.9999… ticks: only the cap itself is exact.
        var cap = TimeSpan.FromTicks(3);
        var backoff = new ItemBackoff(cap, cap);

        Assert.Equal(cap, backoff.When(A));
        Assert.Equal(cap, backoff.When(A));
    }
}
