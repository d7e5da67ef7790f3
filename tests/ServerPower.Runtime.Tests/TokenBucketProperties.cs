using CsCheck;
using Microsoft.Extensions.Time.Testing;
using ServerPower.RateLimiting;

namespace ServerPower.Runtime.Tests;

/// <summary>
/// The work queue's overall limit reserves from the shared <see cref="TokenBucket"/> (ServerPower.RateLimiting), which
/// replaced the runtime's own reservation bucket. Generated histories of reservations, takes and clock steps: every
/// reservation waits what the runtime's former bucket (kept below as the model, in double) made it wait, to within the
/// rounding of a tick; and a take never finds a token the model does not have.
/// </summary>
public sealed class TokenBucketProperties
{
    private static readonly double[] Rates = [0.5, 1, 10, 50, 1000];

    [Fact]
    public void Reservations_wait_what_the_runtimes_former_bucket_made_them_wait()
    {
        var steps = Gen.Frequency(
            (4, Gen.Const(0)),
            (3, Gen.OneOf(1, 7, 20, 100, 1_000, 60_000)));
        Gen.Select(Gen.OneOf(Rates), Gen.Int[1, 10], steps.Array[1, 80]).Sample((rate, burst, advances) =>
        {
            var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
            var bucket = new TokenBucket(rate, burst, time);
            var model = new FormerReservationBucket(rate, burst, time);
            foreach (var ms in advances)
            {
                time.Advance(TimeSpan.FromMilliseconds(ms));
                var expected = model.Reserve();
                var actual = bucket.Reserve();
                if (Math.Abs((actual - expected).Ticks) > 2)
                    throw new InvalidOperationException($"rate {rate}/s burst {burst}: reserved {actual}, the former bucket {expected}");
            }
        }, iter: 300);
    }

    [Fact]
    public void A_reservation_in_advance_is_paid_for_before_a_take_succeeds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var bucket = new TokenBucket(1, 1, time);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve());
        Assert.False(bucket.TryTake(out var wait));
        Assert.Equal(TimeSpan.FromSeconds(2), wait);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(bucket.TryTake(out _));
    }

    /// <summary>The runtime's reservation bucket as it was before the two buckets became one (the runtime's own TokenBucket, now replaced by the one in ServerPower.RateLimiting).</summary>
    private sealed class FormerReservationBucket(double perSecond, int burst, TimeProvider time)
    {
        private double tokens = burst;
        private DateTimeOffset last = time.GetUtcNow();

        public TimeSpan Reserve()
        {
            var now = time.GetUtcNow();
            if (now > last)
            {
                tokens = Math.Min(burst, tokens + (now - last).TotalSeconds * perSecond);
                last = now;
            }
            tokens -= 1;
            return tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-tokens / perSecond);
        }
    }
}
