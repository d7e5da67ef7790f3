using ServerPower.Api.Resources;
using ServerPower.Operator.Reconciliation;
using k8s.Autorest;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>Writing an outcome that must not be lost: retried with doubling delays, after a 429's Retry-After, until its deadline.</summary>
public sealed class StatusWriteRetryRuleTests
{
    [Fact]
    public async Task A_persistent_5xx_is_retried_with_doubling_delays_up_to_5s_until_the_30s_deadline()
    {
        var attempts = await Attempts(_ => Status(503));
        Assert.Equal([0, 100, 300, 700, 1500, 3100, 6300, 11300, 16300, 21300, 26300], attempts.Offsets);
        Assert.IsType<HttpOperationException>(attempts.Error);
    }

    [Theory]
    [InlineData("3", 3000)]
    [InlineData(null, 100)]
    public async Task A_429_is_retried_after_its_Retry_After_or_else_the_first_delay(string? retryAfter, int retriedAtMs)
    {
        var attempts = await Attempts(n => n == 1 ? Status(429, retryAfter) : null);
        Assert.Equal([0, retriedAtMs], attempts.Offsets);
        Assert.Null(attempts.Error);
    }

    [Fact]
    public async Task A_Retry_After_reaching_the_deadline_is_not_waited_for()
    {
        var attempts = await Attempts(_ => Status(429, ((int)StatusWriteRetry.Deadline.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([0], attempts.Offsets);
        Assert.IsType<HttpOperationException>(attempts.Error);
    }
}
