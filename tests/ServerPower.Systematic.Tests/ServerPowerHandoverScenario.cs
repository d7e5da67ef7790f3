namespace ServerPower.Systematic.Tests;

/// <summary>
/// The <see cref="ServerPowerScenario"/> across a handover: two replicas ("old" and "new"), each with its own informer,
/// cache, work queue, controller and real ServerPowerReconciler (its own ProviderResolver and provider), over one
/// <see cref="ServerPowerApi"/>, one <see cref="ServerWorld"/> and one <see cref="PromiseLedger"/>. Leadership passes
/// as in <see cref="HandoverScenario"/>: both informers run throughout; the old replica's controller runs until it
/// loses the lease at a step the seed picks, and the new one's starts some steps later; with one to three handovers
/// (the seed picks), leadership goes back to the old replica and on again, each term's controller starting only once
/// that replica's previous term ended (as LeaderElection awaits it). The old replica's actions and
/// its reconciler's API calls may freeze for up to <see cref="Pause"/>, deaf to their token
/// (<see cref="RecordingProvider.Pause"/>, <see cref="FreezingClient"/>), and a frozen
/// leader cannot renew its lease: one freeze in two loses it then, so a leader paused mid-call wakes after the new one
/// took over and sends, or records its outcome, after the new leader acted. An old leader acting after its loss is
/// not by itself a violation (the runtime cannot stop a paused process): the promises must hold, checked by the ledger
/// across both replicas (a token at most once, adoption at first sight, a kill only past an accepted stop's grace
/// period, one owner per server, no key reconciled twice at once by one replica), and once the handovers settle (every
/// earlier term's controller ended too), every deletion completed and every owned server in its declared state, still
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
        var informing = Task.WhenAll(old.Informer.RunAsync(shutdown.Token), next.Informer.RunAsync(shutdown.Token));
        // Terms alternate: old, new, and (when the seed asks for more handovers) old again, and so on. A replica's next
        // term starts only once its previous term's work ended, as LeaderElection awaits it (a frozen call may hold it).
        var terms = new List<(ServerPowerReplica Replica, CancellationTokenSource Leads, Task Controlling)>();
        void Begin(ServerPowerReplica replica)
        {
            var leads = new CancellationTokenSource();
            terms.Add((replica, leads, replica.Controller.RunAsync(leads.Token)));
        }
        bool Leads(ServerPowerReplica replica) => terms.Count > 0 && terms[^1].Replica == replica && !terms[^1].Leads.IsCancellationRequested;
        ledger.Leading = name => Leads(name == old.Name ? old : next);
        // Frozen, a leader cannot renew its lease: one freeze in two outlasts it, and the lease is lost then.
        oldProvider.Frozen = old.Api.Frozen = () =>
        {
            if (Leads(old) && choices.Next(2) == 0) terms[^1].Leads.Cancel();
        };
        Begin(old);
        var handovers = 1 + choices.Next(3);
        var changes = Changes + (handovers - 1) * Changes / 2;
        var lossAt = choices.Next(Changes / 2);
        int? takeoverAt = null;
        for (var change = 0; change < changes; change++)
        {
            if (change == lossAt && handovers > 0)
            {
                terms[^1].Leads.Cancel();
                handovers--;
                takeoverAt = change + 1 + choices.Next(Changes / 2);
            }
            if (change == takeoverAt)
            {
                var successor = terms[^1].Replica == old ? next : old;
                var previous = terms.LastOrDefault(t => t.Replica == successor).Controlling;
                if (previous is not { IsCompleted: false })
                {
                    Begin(successor);
                    takeoverAt = null;
                    lossAt = handovers > 0 ? change + 1 + choices.Next(Changes / 2) : -1;
                }
                else takeoverAt++; // its last term's work has not ended yet: the lease is tried again later
            }
            await person.ChangeAsync(time);
        }
        // No leader left at the end (a handover under way): the other replica takes over once its last term ended.
        if (terms[^1].Leads.IsCancellationRequested)
        {
            var successor = terms[^1].Replica == old ? next : old;
            if (terms.LastOrDefault(t => t.Replica == successor).Controlling is { } previous)
                for (var second = 0; second < 600 && !previous.IsCompleted; second++)
                {
                    time.Advance(TimeSpan.FromSeconds(1));
                    await scheduler.Yield();
                }
            Begin(successor);
        }

        api.Calm();
        oldProvider.Calm = true;
        old.Api.Calm = true;
        newProvider.Calm = true;
        // Settled once every earlier term's last reconcile ended too: until then a frozen action may still arrive (a
        // stop recorded for a server another object owns by now, say); the leader repairs that at its next resync.
        var earlier = Task.WhenAll(terms.Take(terms.Count - 1).Select(t => t.Controlling));
        await ServerPowerScenario.SettleAsync(scheduler, time, api, world, violations, earlier);
        violations.AddRange(ledger.Violations);
        shared.LateSends = ledger.LateSends;
        shared.LateWrites = ledger.LateWrites;
        shared.Terms = terms.Count;

        shutdown.Cancel();
        foreach (var term in terms) term.Leads.Cancel();
        time.Advance(TimeSpan.FromSeconds(30)); // past the drain timeout
        await Task.WhenAll(terms.Select(t => t.Controlling).Append(informing));
        foreach (var term in terms) term.Leads.Dispose();
    }
}
