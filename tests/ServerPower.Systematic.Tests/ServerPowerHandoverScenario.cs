namespace ServerPower.Systematic.Tests;

/// <summary>
/// The <see cref="ServerPowerScenario"/> across a handover: two replicas ("old" and "new"), each with its own informer,
/// cache, work queue, controller and real ServerPowerReconciler (its own ProviderResolver and provider), over one
/// <see cref="ServerPowerApi"/>, one <see cref="ServerWorld"/> and one <see cref="PromiseLedger"/>. Leadership passes
/// as in <see cref="HandoverScenario"/>: both informers run throughout; the old replica's controller runs until it
/// loses the lease at a step the seed picks, and the new one's starts some steps later. The old replica's actions and
/// its reconciler's API calls may freeze for up to <see cref="Pause"/>, deaf to their token
/// (<see cref="RecordingProvider.Pause"/>, <see cref="FreezingClient"/>), and a frozen
/// leader cannot renew its lease: one freeze in two loses it then, so a leader paused mid-call wakes after the new one
/// took over and sends, or records its outcome, after the new leader acted. An old leader acting after its loss is
/// not by itself a violation (the runtime cannot stop a paused process): the promises must hold, checked by the ledger
/// across both replicas (a token at most once, adoption at first sight, a kill only past an accepted stop's grace
/// period, one owner per server, no key reconciled twice at once by one replica), and once the handover settles (the
/// old leader's controller ended too), every deletion completed and every owned server in its declared state, still
/// so a minute later.
/// </summary>
internal static class ServerPowerHandoverScenario
{
    /// <summary>A person's changes and faults per run (fewer than the one-replica scenario's: two replicas take more steps).</summary>
    public const int Changes = 12;

    /// <summary>The longest freeze of an old leader's action: past the drain timeout (20 s) and a stop's grace period.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromSeconds(40);

    public static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations, SharedLedger shared)
    {
        var choices = scheduler.Choices;
        var (time, api, ledger, world, person) = ServerPowerScenario.Stage.Of(scheduler);
        var oldProvider = new RecordingProvider(scheduler, world, time, ledger) { Pause = Pause };
        var newProvider = new RecordingProvider(scheduler, world, time, ledger);
        var old = new ServerPowerReplica("old", scheduler, api, time, oldProvider, ledger, shared, Pause);
        var next = new ServerPowerReplica("new", scheduler, api, time, newProvider, ledger, shared);

        using var shutdown = new CancellationTokenSource();
        using var oldLeads = new CancellationTokenSource();
        using var newLeads = new CancellationTokenSource();
        var informing = Task.WhenAll(old.Informer.RunAsync(shutdown.Token), next.Informer.RunAsync(shutdown.Token));
        var oldControlling = old.Controller.RunAsync(oldLeads.Token);
        // Frozen, a leader cannot renew its lease: one freeze in two outlasts it, and the lease is lost then.
        oldProvider.Frozen = old.Api.Frozen = () =>
        {
            if (!oldLeads.IsCancellationRequested && choices.Next(2) == 0) oldLeads.Cancel();
        };
        Task? newControlling = null;
        var lossAt = choices.Next(Changes / 2);
        var takeoverAt = lossAt + 1 + choices.Next(Changes / 2);
        for (var change = 0; change < Changes; change++)
        {
            if (change == lossAt) oldLeads.Cancel();
            if (change == takeoverAt) newControlling = next.Controller.RunAsync(newLeads.Token);
            await person.ChangeAsync(time);
        }

        api.Calm();
        oldProvider.Calm = true;
        old.Api.Calm = true;
        newProvider.Calm = true;
        // Settled once the old leader's last reconcile ended too: until then a frozen action may still arrive (a stop
        // recorded for a server another object owns by now, say); the new leader repairs that at its next resync.
        await ServerPowerScenario.SettleAsync(scheduler, time, api, world, violations, oldControlling);
        violations.AddRange(ledger.Violations);
        shared.LateSends = ledger.LateSends;
        shared.LateWrites = ledger.LateWrites;

        shutdown.Cancel();
        newLeads.Cancel();
        time.Advance(TimeSpan.FromSeconds(30)); // past the drain timeout
        await Task.WhenAll(informing, oldControlling, newControlling ?? Task.CompletedTask);
    }
}
