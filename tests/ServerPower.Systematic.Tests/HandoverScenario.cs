namespace ServerPower.Systematic.Tests;

/// <summary>
/// Leadership passes from replica "old" to replica "new", as LeaderElection runs them: each replica's informer runs
/// throughout; the old one's controller runs until it loses the lease (its stop token is cancelled at a step the seed
/// picks, possibly while a reconcile hangs in a 25 s provider call: a paused leader), and the new one's starts some
/// steps later (the lease expired). Changes and faults go on throughout. Checked: the old replica starts no
/// reconcile after its loss, and its controller returns within the drain timeout (20 s, seen up to 3 s late); no replica reconciles a
/// key twice at once; the new leader's last reconcile of every object read its last change (no lost update across
/// the handover); no busy loop. Counted, not a violation: keys both replicas reconciled at once (the old one's
/// reconcile in flight drains after the loss; the runtime does not promise more, the reconciler's guards must).
/// </summary>
internal static class HandoverScenario
{
    public const int Changes = 16;

    public static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations, SharedLedger shared)
    {
        var choices = scheduler.Choices;
        var time = ScenarioSteps.NewTime();
        var api = new ScriptedApi(scheduler);
        api.Put(ScenarioSteps.Keys[0]);
        api.Put(ScenarioSteps.Keys[1]);
        var old = new Replica("old", scheduler, api, time, shared, longCall: TimeSpan.FromSeconds(25));
        var next = new Replica("new", scheduler, api, time, shared);

        using var shutdown = new CancellationTokenSource();
        using var oldLeads = new CancellationTokenSource();
        using var newLeads = new CancellationTokenSource();
        var informing = Task.WhenAll(old.Informer.RunAsync(shutdown.Token), next.Informer.RunAsync(shutdown.Token));
        var oldControlling = old.Controller.RunAsync(oldLeads.Token);
        DateTimeOffset? ended = null;
        _ = oldControlling.ContinueWith(_ => ended = time.GetUtcNow(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Task? newControlling = null;

        var lossAt = choices.Next(Changes / 2);
        var takeoverAt = lossAt + 1 + choices.Next(Changes / 2);
        DateTimeOffset? lost = null;
        for (var change = 0; change < Changes; change++)
        {
            if (change == lossAt)
            {
                old.Reconciler.Deposed = true;
                lost = time.GetUtcNow();
                oldLeads.Cancel();
            }
            if (change == takeoverAt) newControlling = next.Controller.RunAsync(newLeads.Token);
            await ScenarioSteps.ChangeAsync(scheduler, api, time);
        }

        next.Reconciler.Calm = true;
        old.Reconciler.Calm = true;
        if (!await ScenarioSteps.SettleAsync(scheduler, time, () => next.Settled(api) && oldControlling.IsCompleted))
            violations.Add($"not settled {ScenarioSteps.SettleSeconds} s after the last change (old controller ended: "
                + $"{oldControlling.IsCompleted}): {next.Describe(api)}");
        else
        {
            violations.AddRange(next.LostUpdates(api, ScenarioSteps.Keys).Select(v => $"new: {v}"));
            if (await ScenarioSteps.QuietAsync(scheduler, time, api, next.Reconciler) is { } busy) violations.Add($"new: {busy}");
        }
        // Time moves in steps of up to 3 s, so the end is seen up to 3 s late.
        if (lost is { } at && ended is { } end && end - at > Replica.DrainTimeout + TimeSpan.FromSeconds(3))
            violations.Add($"old: its controller ran {end - at} after the loss (drain timeout {Replica.DrainTimeout})");
        violations.AddRange(old.Reconciler.Violations);
        violations.AddRange(next.Reconciler.Violations);

        shutdown.Cancel();
        newLeads.Cancel();
        time.Advance(TimeSpan.FromSeconds(30)); // past the drain timeout
        await Task.WhenAll(informing, oldControlling, newControlling ?? Task.CompletedTask);
    }
}
