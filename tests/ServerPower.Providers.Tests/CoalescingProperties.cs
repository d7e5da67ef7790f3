using CsCheck;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Providers.Coalescing;
using ServerPower.Providers.Contract;

namespace ServerPower.Providers.Tests;

/// <summary>
/// Generated histories of reads of one account, the clock moving, and the account's own limit having a token or not at
/// each batch read. After every read: a read never gets a refusal older than itself (a batch that was not sent is asked
/// again), and the batches sent stay within one per maximum age (no request loop: a sent batch, answered or failed, is
/// the snapshot for its window).
/// </summary>
public sealed class CoalescingProperties
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);

    private sealed record Step(int AdvanceMs, bool TokenThere);

    [Fact]
    public void A_read_never_gets_an_old_refusal_and_sent_batches_stay_one_per_window()
    {
        var step = Gen.Select(Gen.Int[0, 3000], Gen.Bool, (ms, token) => new Step(ms, token));
        step.Array[1, 40].Sample(Holds, iter: Iterations(), print: steps => string.Join("\n", steps.Select(s => s.ToString())));
    }

    private static bool Holds(Step[] steps)
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var tokenThere = false;
        var sent = 0;
        var coalescer = new BatchReadCoalescer(_ =>
        {
            if (!tokenThere)
                return Task.FromResult(new BatchReadResult(
                    ProviderOutcome.Refused(OutcomeKind.RateLimited, "no token", TimeSpan.FromMilliseconds(5)) with { OwnLimit = true },
                    new Dictionary<string, ObservedServer>()));
            sent++;
            return Task.FromResult(new BatchReadResult(ProviderOutcome.Accepted(), new Dictionary<string, ObservedServer>()));
        }, MaxAge, time);

        foreach (var (advanceMs, token) in steps)
        {
            time.Advance(TimeSpan.FromMilliseconds(advanceMs));
            tokenThere = token;
            var snapshot = coalescer.SnapshotAsync(CancellationToken.None).Result;
            // With a token there now, the read is sent or served from a batch that was sent: never refused.
            if (token && snapshot.Outcome.NotSent) return false;
            var windows = (time.GetUtcNow() - start).Ticks / MaxAge.Ticks + 1;
            if (sent > windows) return false;
        }
        return true;
    }

    private static long Iterations() =>
        long.TryParse(Environment.GetEnvironmentVariable("PROPERTY_ITERATIONS"), out var n) ? Math.Max(100, n / 5) : 400;
}
