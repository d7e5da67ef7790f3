using ServerPower.Api.Resources;
using ServerPower.Operator.Reconciliation;
using ServerPower.Operator.Tests.Tables;
using k8s.Autorest;
using static ServerPower.Operator.Tests.Reconciliation.ReconcilerRows;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>Writing an outcome that must not be lost: retried with doubling delays, after a 429's Retry-After, until its deadline.</summary>
public sealed class StatusWriteRetryRuleTests
{
    /// <summary>When each attempt was made (ms after the start) and how the write ended (null: written).</summary>
    public sealed record Written(List<long> Offsets, Exception? Error);

    private static async Task<Written> Write(Func<int, Exception?> failure)
    {
        var attempts = await Attempts(failure);
        return new Written(attempts.Offsets, attempts.Error);
    }

    public static IEnumerable<TheoryDataRow<AsyncRow<Written>>> Rows => Table.OfAsync<Written>(
    [
        new("A persistent 5xx is retried with doubling delays up to 5s until the 30s deadline",
            () => Write(_ => Status(503)),
            w =>
            {
                Assert.Equal([0, 100, 300, 700, 1500, 3100, 6300, 11300, 16300, 21300, 26300], w.Offsets);
                Assert.IsType<HttpOperationException>(w.Error);
            }),
        .. from c in new (string? RetryAfter, int RetriedAtMs)[] { ("3", 3000), (null, 100) }
           select new AsyncRow<Written>($"A 429 is retried after its Retry-After or else the first delay: Retry-After {c.RetryAfter ?? "absent"}, retried at {c.RetriedAtMs} ms",
               () => Write(n => n == 1 ? Status(429, c.RetryAfter) : null),
               w =>
               {
                   Assert.Equal([0, c.RetriedAtMs], w.Offsets);
                   Assert.Null(w.Error);
               }),
        new("A Retry-After reaching the deadline is not waited for",
            () => Write(_ => Status(429, ((int)StatusWriteRetry.Deadline.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            w =>
            {
                Assert.Equal([0], w.Offsets);
                Assert.IsType<HttpOperationException>(w.Error);
            }),
    ]);

    [Theory, MemberData(nameof(Rows))]
    public Task Holds(AsyncRow<Written> row) => row.RunAsync();
}
