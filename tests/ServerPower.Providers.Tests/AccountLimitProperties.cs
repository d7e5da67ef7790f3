using CsCheck;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Providers.Adapters;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Resilience;
using ServerPower.Providers.Tests.Support;

namespace ServerPower.Providers.Tests;

/// <summary>
/// Generated histories of changes to one account (rate up and down, burst, maxConcurrentActions, a rotated token, the
/// endpoint unchanged) interleaved with servers asking for their turn, actions starting (through the newest instance
/// of the account or one the factory has since replaced, as a reconcile that resolved earlier would) and finishing,
/// and the clock moving, with a read of the account now and then between a server being told it may go and its request
/// (as a batch read can take a token while the reconciler records the action). After every step: no action starts while
/// the account's current maxConcurrentActions are in flight, no server is told to wait longer than the current rate
/// implies for the servers waiting (each server holds at most one turn, so N servers wait at most N turns of the current
/// rate), and a server told it may go is not refused for the rate limit (its token is reserved). The actions are the
/// pipeline's calls, answered by the test: no request leaves the process.
/// </summary>
public sealed class AccountLimitProperties
{
    private const int Servers = 5;

    private static readonly double[] Rates = [0.001, 0.1, 1, 5, 100, 1000];

    private abstract record Step
    {
        public sealed record Change(double Rate, int Burst, int MaxConcurrentActions, bool RotateToken) : Step;

        /// <summary>A server asks for its turn and sends when told it may (Direct: sends without asking; ReadBetween: a read of the account goes first).</summary>
        public sealed record Act(int Server, int Staleness, bool Direct, bool ReadBetween = false) : Step;

        public sealed record Finish(int Which) : Step;

        public sealed record Wait(int Milliseconds) : Step;
    }

    private static readonly Gen<Step> AnyStep = Gen.Frequency(
        (2, Gen.Select(Gen.OneOf(Rates), Gen.Int[1, 5], Gen.Int[1, 4], Gen.Bool, (rate, burst, bound, rotate) => (Step)new Step.Change(rate, burst, bound, rotate))),
        (6, Gen.Select(Gen.Int[0, Servers - 1], Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 3])), Gen.Frequency((5, Gen.Const(false)), (1, Gen.Const(true))),
            Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true))),
            (server, stale, direct, read) => (Step)new Step.Act(server, stale, direct, read))),
        (3, Gen.Int[0, 7].Select(which => (Step)new Step.Finish(which))),
        (2, Gen.OneOf(1, 10, 100, 1_000, 60_000, 1_000_000).Select(ms => (Step)new Step.Wait(ms))));

    [Fact]
    public async Task No_change_of_the_account_lets_more_actions_out_than_its_bound_or_holds_a_server_past_its_rate()
    {
        await AnyStep.Array[1, 60].SampleAsync(RunAsync, iter: Iterations(), print: steps => string.Join("\n", steps.Select(s => s.ToString())));
    }

    /// <summary>The history of the issue: 0.001/s raised to 100/s while servers wait, maxConcurrentActions 1 edited mid-action.</summary>
    [Fact]
    public async Task The_issues_history_keeps_both_promises()
    {
        await RunAsync(
        [
            new Step.Change(0.001, 1, 1, false), new Step.Act(0, 0, false), new Step.Act(1, 0, false), new Step.Act(2, 0, false),
            new Step.Change(100, 1, 1, true), new Step.Act(1, 0, false), new Step.Act(2, 1, true), new Step.Wait(100),
            new Step.Act(1, 0, false), new Step.Act(2, 1, false), new Step.Finish(0), new Step.Act(1, 0, false),
        ]);
    }

    private static async Task RunAsync(Step[] steps)
    {
        var world = new World();
        try
        {
            foreach (var step in steps) await world.ApplyAsync(step);
        }
        finally
        {
            await world.DisposeAsync();
        }

        Assert.True(world.Violations.Count == 0, string.Join("\n", world.Violations));
    }

    private static long Iterations() =>
        long.TryParse(Environment.GetEnvironmentVariable("PROPERTY_ITERATIONS"), out var n) ? Math.Max(100, n / 5) : 400;

    /// <summary>One account key, the factory's instances of it so far, the actions in flight and what the account is now.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        private readonly ProviderHarness harness;
        private readonly List<ProviderPipeline> instances = [];
        private readonly List<(TaskCompletionSource<ProviderOutcome> Answer, Task<ProviderOutcome> Call)> open = [];
        private readonly Lock gate = new();
        private ProviderAccount account;
        private int inFlight;

        public World()
        {
            harness = new ProviderHarness(options =>
            {
                options.MaxAttempts = 1;
                options.RequestTimeout = TimeSpan.FromHours(24);
            }, time);
            account = new ProviderAccount("ns/main", ProviderType.Wings, new Uri("https://127.0.0.1:1/"), new SecretValue("token-0"),
                new RateLimitSpec { RequestsPerSecond = 5, Burst = 10 }, 4);
            instances.Add(Pipeline(account));
        }

        public List<string> Violations { get; } = [];

        public async Task ApplyAsync(Step step)
        {
            switch (step)
            {
                case Step.Change change:
                    account = account with
                    {
                        RateLimit = new RateLimitSpec { RequestsPerSecond = change.Rate, Burst = change.Burst },
                        MaxConcurrentActions = change.MaxConcurrentActions,
                        Credential = change.RotateToken ? new SecretValue($"token-{instances.Count}") : account.Credential,
                    };
                    instances.Add(Pipeline(account));
                    break;
                case Step.Act act:
                    await ActAsync(act);
                    break;
                case Step.Finish finish when open.Count > 0:
                    var (answer, call) = open[finish.Which % open.Count];
                    open.RemoveAt(finish.Which % open.Count);
                    answer.SetResult(ProviderOutcome.Accepted());
                    await call;
                    break;
                case Step.Wait wait:
                    time.Advance(TimeSpan.FromMilliseconds(wait.Milliseconds));
                    break;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (answer, call) in open)
            {
                answer.TrySetResult(ProviderOutcome.Accepted());
                await call;
            }

            harness.Dispose();
        }

        private async Task ActAsync(Step.Act act)
        {
            var pipeline = instances[Math.Max(0, instances.Count - 1 - act.Staleness)];
            var server = $"s{act.Server}";
            if (!act.Direct && pipeline.ActionWait(server) is { } wait)
            {
                if (wait > Longest()) Violations.Add($"{server} told to wait {wait}; at {account.RateLimit!.RequestsPerSecond}/s at most {Longest()}");
                return;
            }

            if (act.ReadBetween) await pipeline.ExecuteAsync(CallKind.Read, _ => Task.FromResult(ProviderOutcome.Accepted()), CancellationToken.None);
            var bound = account.MaxConcurrentActions;
            var answer = new TaskCompletionSource<ProviderOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var call = pipeline.ExecuteAsync(CallKind.DestructiveAction, async cancellationToken =>
            {
                lock (gate)
                {
                    if (inFlight >= bound) Violations.Add($"{server}'s action went out with {inFlight} in flight; maxConcurrentActions {bound}");
                    inFlight++;
                }

                started.SetResult();
                try
                {
                    return await answer.Task.WaitAsync(cancellationToken);
                }
                finally
                {
                    lock (gate) inFlight--;
                }
            }, CancellationToken.None, server);
            await Task.WhenAny(call, started.Task);
            if (started.Task.IsCompleted) open.Add((answer, call));
            else if (!act.Direct) Violations.Add($"{server} was told to send but was refused: {(await call).Message}");
        }

        /// <summary>The longest turn the current rate implies: every server waiting ahead, or the next token; or a slot's retry.</summary>
        private TimeSpan Longest()
        {
            var rate = account.RateLimit!.RequestsPerSecond;
            var turns = TimeSpan.FromSeconds(Servers / (rate * ActionPacer.Share));
            var token = TimeSpan.FromSeconds(1 / rate);
            var longest = (turns > token ? turns : token) + TimeSpan.FromMilliseconds(1);
            var slot = new ProviderOptions().ActionSlotRetryAfter;
            return longest > slot ? longest : slot;
        }

        private ProviderPipeline Pipeline(ProviderAccount current) => ((HttpPowerProvider)harness.Factory.Get(current)).Pipeline;
    }
}
