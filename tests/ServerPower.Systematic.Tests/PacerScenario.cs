using ServerPower.Api.Resources;
using ServerPower.Providers;
using ServerPower.Providers.Resilience;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// One account's rate limit as the provider pipeline uses it (<see cref="AccountLimits"/>: its <see cref="ActionPacer"/>,
/// token bucket and <see cref="ActionReservations"/>; 2, 5 or 10 requests a second, burst 1, 2, 3 or 10), with 3–8
/// servers' reconciles as fibers: each arrives at a seeded moment in the first second and asks for its turn
/// (<see cref="AccountLimits.TurnFor"/>, what <c>ActionWait</c> asks), waits what it is told, and, told to go, sends some
/// steps later (its record and cache wait in between), taking its token as the request does
/// (<see cref="AccountLimits.Refusing"/>). Batch reads take tokens too: about one a second at seeded moments, also
/// between a server's go and its request. The rate may change once mid-way (as a PowerProvider edit does: the
/// PowerProvider's change enqueues all its servers, so every waiting one asks again at once). Time moves 25 ms at a
/// time (under half a slot), every step at one instant running before the next. Checked: a server told to go is never
/// refused by the account's own limit at its request (its token was reserved); every server sends, each within
/// (servers waiting at its arrival + reads since + 2) slots of the slowest rate used (no starvation); servers given a
/// slot send in the order they were given one, across a rate change too (first come, first served); the sends of
/// servers that held a slot never exceed, over any second, what Share of the fastest rate used allows (one more per
/// tick of lateness and per rate change).
/// </summary>
internal static class PacerScenario
{
    private static readonly double[] Rates = [2, 5, 10];
    private static readonly int[] Bursts = [1, 2, 3, 10];
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(25);

    public static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations, SharedLedger shared)
    {
        var choices = scheduler.Choices;
        var time = ScenarioSteps.NewTime();
        var rate = Rates[choices.Next(Rates.Length)];
        var burst = Bursts[choices.Next(Bursts.Length)];
        var limits = new AccountLimits(new ProviderOptions(), time);
        limits.Apply(new RateLimitSpec { RequestsPerSecond = rate, Burst = burst }, maxConcurrentActions: 10);
        var account = new PacedAccount(scheduler, time, limits, rate);
        var arrivals = Enumerable.Range(0, 3 + choices.Next(6)).Select(i => (Key: $"server-{i}", Tick: choices.Next(40))).ToList();
        var changeAt = choices.Next(2) == 0 ? choices.Next(80) : -1;
        var servers = new List<Task>();
        var reads = new List<Task>();

        for (var tick = 0; tick < 4000 && (servers.Count < arrivals.Count || !servers.All(s => s.IsCompleted)); tick++)
        {
            foreach (var arrival in arrivals.Where(a => a.Tick == tick)) servers.Add(account.ServerAsync(arrival.Key));
            if (choices.Next(40) == 0) reads.Add(account.ReadAsync());
            if (tick == changeAt) account.Reconfigure(Rates[choices.Next(Rates.Length)], burst);
            if (!await scheduler.DrainAsync())
            {
                violations.Add("busy loop: steps still runnable after 2,000 at one instant");
                break;
            }
            time.Advance(Tick);
        }
        violations.AddRange(account.Violations);
        var unsent = arrivals.Count(a => !account.Sent(a.Key));
        if (unsent > 0) violations.Add($"{unsent} servers never sent in 100 s (rates {account.DescribeRates()})");
    }

    /// <summary>The account and its servers' reconciles, checking the pacer's promises as they send.</summary>
    private sealed class PacedAccount(DeterministicScheduler scheduler, TimeProvider time, AccountLimits limits, double rate)
    {
        private readonly List<DateTimeOffset> reads = [];
        private readonly List<double> rates = [rate];
        private readonly List<DateTimeOffset> changes = [];
        private readonly List<DateTimeOffset> pacedSends = [];
        private readonly List<string> slotOrder = [];
        private readonly Dictionary<string, DateTimeOffset> slottedAt = [];
        private readonly HashSet<string> sent = [];
        private readonly HashSet<string> arrived = [];
        private CancellationTokenSource rateChanged = new();

        public List<string> Violations { get; } = [];

        public bool Sent(string key) => sent.Contains(key);

        public string DescribeRates() => string.Join(" then ", rates);

        public void Reconfigure(double perSecond, int burst)
        {
            rates.Add(perSecond);
            changes.Add(time.GetUtcNow());
            limits.Apply(new RateLimitSpec { RequestsPerSecond = perSecond, Burst = burst }, maxConcurrentActions: 10);
            rateChanged.Cancel();
            rateChanged = new CancellationTokenSource();
        }

        public async Task ServerAsync(string key)
        {
            await scheduler.Yield(); // arrivals at one instant come in any order
            scheduler.CheckThread("a reconcile asking the pacer");
            var arrivedAt = time.GetUtcNow();
            var ahead = arrived.Count - sent.Count;
            arrived.Add(key);
            bool? slotted = null;
            while (true)
            {
                var wait = limits.TurnFor(key);
                if (slotted is null)
                {
                    slotted = wait is not null;
                    if (wait is not null)
                    {
                        slotOrder.Add(key);
                        slottedAt[key] = time.GetUtcNow();
                    }
                }
                if (wait is { } turn)
                {
                    await WaitAsync(turn);
                    continue;
                }
                for (var i = scheduler.Choices.Next(3); i > 0; i--) await scheduler.Yield();
                if (limits.Refusing(key, out var next) is null)
                {
                    Send(key, arrivedAt, ahead, slotted.Value);
                    return;
                }
                Violations.Add($"{key} was told to go and then refused by the account's own limit at {time.GetUtcNow():ss.fff} (rates {DescribeRates()})");
                await WaitAsync(next);
            }
        }

        /// <summary>A batch read: it takes a token when there is one, as every request does, and is not retried.</summary>
        public async Task ReadAsync()
        {
            await scheduler.Yield();
            scheduler.CheckThread("a batch read");
            if (limits.Refusing(null, out _) is null) reads.Add(time.GetUtcNow());
        }

        /// <summary>A requeue after <paramref name="wait"/>, or at once when the rate changes.</summary>
        private async Task WaitAsync(TimeSpan wait)
        {
            try
            {
                await scheduler.DelayAsync(time, wait, rateChanged.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        private void Send(string key, DateTimeOffset arrivedAt, int ahead, bool slotted)
        {
            var now = time.GetUtcNow();
            var slowest = Interval(rates.Min());
            var readsSince = reads.Count(t => t >= arrivedAt);
            var bound = arrivedAt + (ahead + readsSince + 2) * slowest + 2 * Tick;
            if (now > bound)
                Violations.Add($"{key} arrived at {arrivedAt:ss.fff} behind {ahead} and {readsSince} reads and sent at {now:ss.fff}, after {bound:ss.fff} (rates {DescribeRates()})");
            sent.Add(key);
            if (!slotted) return;
            // A read that takes the token a due slot counted on sends that server back for the next token, and the pacer
            // then lets it go first; a server passed over that way more than twice (each time a read took its token) is
            // taken to have gone and loses its place. So each read since the first of them got its slot may let one
            // server pass; without reads the order is strict.
            var earlier = slotOrder.TakeWhile(k => k != key).Where(k => !sent.Contains(k)).ToList();
            var passes = earlier.Count == 0 ? 0 : reads.Count(t => t >= earlier.Min(k => slottedAt[k]));
            if (earlier.Count > passes)
                Violations.Add($"{key} sent at {now:ss.fff} before {string.Join(", ", earlier)}, given a slot before it, with {passes} reads since (rates {DescribeRates()})");
            pacedSends.Add(now);
            var window = TimeSpan.FromSeconds(1);
            var inWindow = pacedSends.Count(t => t > now - window);
            var allowed = (int)((window + Tick) / Interval(rates.Max())) + 1 + changes.Count(t => t > now - window - Tick);
            if (inWindow > allowed)
                Violations.Add($"{inWindow} paced sends in the second up to {now:ss.fff}, more than {allowed} (rates {DescribeRates()})");
        }

        private static TimeSpan Interval(double perSecond) => TimeSpan.FromSeconds(1 / (perSecond * ActionPacer.Share));
    }
}
