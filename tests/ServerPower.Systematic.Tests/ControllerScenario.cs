namespace ServerPower.Systematic.Tests;

/// <summary>
/// One <see cref="Replica"/> leading throughout: a person creates, edits and deletes objects while status writes,
/// watch breaks, 410 relists, failing LISTs, reconcile failures, conflicts and requeues, and time passing (resync,
/// backoff, the watch watchdog) interleave as the seed picks. Then the faults stop and time runs on until the cache
/// holds what the API holds and the queue is idle. Checked: no key is reconciled twice at once; the last reconcile of
/// every object read its last generation, or its absence once deleted (no lost update); 65 quiet seconds after
/// that bring no more reconciles than resync asks for (no busy loop).
/// </summary>
internal static class ControllerScenario
{
    /// <summary>Changes and faults one run makes before it settles.</summary>
    public const int Changes = 12;

    public static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations, SharedLedger shared)
    {
        var time = ScenarioSteps.NewTime();
        var api = new ScriptedApi(scheduler);
        api.Put(ScenarioSteps.Keys[0]);
        api.Put(ScenarioSteps.Keys[1]);
        var replica = new Replica("leader", scheduler, api, time, shared);

        using var stop = new CancellationTokenSource();
        var informing = replica.Informer.RunAsync(stop.Token);
        var controlling = replica.Controller.RunAsync(stop.Token);
        for (var change = 0; change < Changes; change++) await ScenarioSteps.ChangeAsync(scheduler, api, time);

        replica.Reconciler.Calm = true;
        if (!await ScenarioSteps.SettleAsync(scheduler, time, () => replica.Settled(api)))
            violations.Add($"not settled {ScenarioSteps.SettleSeconds} s after the last change: {replica.Describe(api)}");
        else
        {
            violations.AddRange(replica.LostUpdates(api, ScenarioSteps.Keys));
            if (await ScenarioSteps.QuietAsync(scheduler, time, api, replica.Reconciler) is { } busy) violations.Add(busy);
        }
        violations.AddRange(replica.Reconciler.Violations);

        stop.Cancel();
        time.Advance(TimeSpan.FromSeconds(30)); // past the drain timeout
        await Task.WhenAll(informing, controlling);
    }
}
