using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// A Wings-like provider over the <see cref="ServerWorld"/> (start, stop, restart, kill and rebuild; it reads one
/// server's state; no batch read, no console). Every call is a step before it reaches the world and another before its
/// answer comes back, and is told to the <see cref="PromiseLedger"/>. Until the scenario calms it, a call may time out
/// (the action carried out or not, the caller cannot know: MayHaveReachedProvider) and a stop may hang in Stopping for 60–90 s, longer than
/// the 20 s grace period, so a kill is due if the server is still declared Stopped. Given <see cref="Pause"/>, one action
/// in three (until calm) freezes for 5 s up to that long, deaf to its token as a paused process is (a GC pause, a
/// suspended VM), before the request reaches the world or after, before its answer comes back, as the seed picks: a
/// leader paused there wakes after it lost the lease and sends, or records the outcome, after the new leader acted.
/// </summary>
internal sealed class RecordingProvider(DeterministicScheduler scheduler, ServerWorld world, TimeProvider time, PromiseLedger ledger)
    : IPowerProvider, IPowerProviderFactory
{
    private static readonly ProviderOutcome TimedOut = new(OutcomeKind.Unavailable, "timeout (injected)", MayHaveReachedProvider: true);

    /// <summary>Once set, calls neither time out nor do stops hang.</summary>
    public bool Calm { get; set; }

    /// <summary>The longest freeze of an action (zero: none).</summary>
    public TimeSpan Pause { get; init; }

    /// <summary>Told when an action freezes (a frozen leader cannot renew its lease).</summary>
    public Action? Frozen { get; set; }

    public ProviderType Type => ProviderType.Wings;

    public ProviderCapabilities Capabilities { get; } = new(CanReadState: true, CanBatchRead: false,
        new HashSet<ActionType> { ActionType.Start, ActionType.Stop, ActionType.Restart, ActionType.Kill, ActionType.Rebuild });

    /// <summary>One account, one provider.</summary>
    public IPowerProvider Get(ProviderAccount account) => this;

    public async Task<ReadResult> ReadAsync(string serverId, CancellationToken cancellationToken)
    {
        scheduler.CheckThread("a provider read");
        await scheduler.Yield();
        var result = !world.Ids.Contains(serverId) ? ReadResult.Failed(new ProviderOutcome(OutcomeKind.NotFound, "no such server"))
            : Fault() ? ReadResult.Failed(TimedOut with { MayHaveReachedProvider = false })
            : ReadResult.Of(new ObservedServer(world.State(serverId), world.State(serverId).ToString().ToLowerInvariant()));
        ledger.Read(serverId, result);
        await scheduler.Yield();
        return result;
    }

    public async Task<ProviderOutcome> SendAsync(string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
    {
        scheduler.CheckThread("a provider action");
        await scheduler.Yield();
        var pause = !Calm && Pause > TimeSpan.Zero && scheduler.Choices.Next(3) == 0
            ? TimeSpan.FromSeconds(5 + scheduler.Choices.Next((int)Pause.TotalSeconds - 4)) : TimeSpan.Zero;
        if (pause > TimeSpan.Zero) Frozen?.Invoke();
        var pauseFirst = pause > TimeSpan.Zero && scheduler.Choices.Next(2) == 0;
        if (pauseFirst) await scheduler.DelayAsync(time, pause, CancellationToken.None);
        var at = time.GetUtcNow();
        var timedOut = Fault();
        var applied = world.Ids.Contains(serverId) && (!timedOut || scheduler.Choices.Next(2) == 0);
        if (applied)
            world.Apply(serverId, action, TimeSpan.FromSeconds(!Calm && scheduler.Choices.Next(3) == 0 ? 60 + scheduler.Choices.Next(30) : 1 + scheduler.Choices.Next(6)));
        var outcome = !world.Ids.Contains(serverId) ? new ProviderOutcome(OutcomeKind.NotFound, "no such server")
            : timedOut ? TimedOut
            : ProviderOutcome.Accepted();
        ledger.Sent(at, serverId, action, outcome);
        if (pause > TimeSpan.Zero && !pauseFirst) await scheduler.DelayAsync(time, pause, CancellationToken.None);
        await scheduler.Yield();
        return outcome;
    }

    public Task<BatchReadResult> ReadAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new BatchReadResult(ProviderOutcome.Unsupported("no batch read"), new Dictionary<string, ObservedServer>()));

    public Task<ProviderOutcome> SendCommandAsync(string serverId, string command, CancellationToken cancellationToken) =>
        Task.FromResult(ProviderOutcome.Unsupported("no console"));

    public Task<ProviderOutcome> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(ProviderOutcome.Accepted());

    private bool Fault() => !Calm && scheduler.Choices.Next(10) == 0;
}
