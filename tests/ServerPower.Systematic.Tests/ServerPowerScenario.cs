using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Reconciliation;

namespace ServerPower.Systematic.Tests;

/// <summary>
/// The real <see cref="ServerPowerReconciler"/> (with the real ProviderResolver, CachedResourceClient and
/// ServerOwnership over CachedServerIdLookup) behind the real informer, work queue and controller (two workers), over
/// the <see cref="ServerPowerApi"/> and a Wings-like <see cref="RecordingProvider"/>. Three objects (two at the start)
/// declare servers s1–s3, deletionPolicy Stop, spec.stop 20 s then kill. A person flips spec.state, sets restart and
/// rebuild tokens (new ones, and ones used before), deletes and creates objects (some with a token already on them),
/// and moves spec.serverId, so two objects may declare one server; meanwhile watches break, the log is compacted (410),
/// another controller writes (the reconciler's next write meets a conflict), write answers are lost, provider calls
/// time out, stops hang, and time passes. Then the faults stop and time runs on a second at a time. Checked as they
/// happen (<see cref="PromiseLedger"/>): at most once per token, first-seen tokens adopted, kill only after an
/// accepted stop and its grace period, one owner per server, no key reconciled twice at once; at the end: every
/// deletion completed and every owned server in its declared state within <see cref="SettleSeconds"/>. One replica
/// (<see cref="ServerPowerReplica"/>); <see cref="ServerPowerHandoverScenario"/> runs two.
/// </summary>
internal static class ServerPowerScenario
{
    /// <summary>A person's changes and faults per run.</summary>
    public const int Changes = 16;

    /// <summary>Simulated seconds the objects get to converge once the faults stop (a hung stop is killed after 20 s).</summary>
    public const int SettleSeconds = 240;

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(20);
    private static readonly string[] ServerIds = ["s1", "s2", "s3"];

    /// <summary>
    /// What both ServerPower scenarios start from: the API with its ledger, servers s1–s3 each Running or Stopped, and a
    /// person who created the first two objects.
    /// </summary>
    public sealed record Stage(FakeTimeProvider Time, ServerPowerApi Api, PromiseLedger Ledger, ServerWorld World, Person Person)
    {
        public static Stage Of(DeterministicScheduler scheduler)
        {
            var time = ScenarioSteps.NewTime();
            var api = new ServerPowerApi(scheduler, time);
            var ledger = new PromiseLedger(api, Grace);
            api.FirstStatus = ledger.FirstStatus;
            api.StatusWritten = ledger.StatusWritten;
            var world = new ServerWorld(time);
            foreach (var id in ServerIds) world.Add(id, scheduler.Choices.Next(2) == 0 ? PowerState.Running : PowerState.Stopped);
            var person = new Person(scheduler, api);
            person.Create(ScenarioSteps.Keys[0]);
            person.Create(ScenarioSteps.Keys[1]);
            return new Stage(time, api, ledger, world, person);
        }
    }

    public static async Task RunAsync(DeterministicScheduler scheduler, List<string> violations, SharedLedger shared)
    {
        var (time, api, ledger, world, person) = Stage.Of(scheduler);
        var provider = new RecordingProvider(scheduler, world, time, ledger);
        var replica = new ServerPowerReplica("serverpower", scheduler, api, time, provider, ledger, shared);

        using var stop = new CancellationTokenSource();
        var informing = replica.Informer.RunAsync(stop.Token);
        var controlling = replica.Controller.RunAsync(stop.Token);
        for (var change = 0; change < Changes; change++) await person.ChangeAsync(time);

        api.Calm();
        provider.Calm = true;
        await SettleAsync(scheduler, time, api, world, violations);
        violations.AddRange(ledger.Violations);

        stop.Cancel();
        time.Advance(TimeSpan.FromSeconds(30)); // past the drain timeout
        await Task.WhenAll(informing, controlling);
    }

    /// <summary>
    /// Once the faults stopped: time runs on a second at a time until every deletion completed and every owned server is
    /// in its declared state (within <see cref="SettleSeconds"/>), then a minute more, which must not undo it. With
    /// <paramref name="ended"/>, settled also waits for it (an old leader's last reconcile, which may still send).
    /// </summary>
    public static async Task SettleAsync(DeterministicScheduler scheduler, FakeTimeProvider time, ServerPowerApi api, ServerWorld world,
        List<string> violations, Task? ended = null)
    {
        string? Lag() => Unsettled(api, world) ?? (ended is { IsCompleted: false } ? "the old leader's controller has not ended" : null);
        var settled = false;
        for (var second = 0; second < SettleSeconds && !settled; second++)
        {
            for (var i = 0; i < 50 && !(settled = Lag() is null); i++) await scheduler.Yield();
            if (!settled) time.Advance(TimeSpan.FromSeconds(1));
        }
        if (Lag() is { } lag) violations.Add($"not settled {SettleSeconds} s after the faults stopped: {lag}");
        else
        {
            // Settled stays settled: a minute more (two resyncs) brings no late action that undoes it.
            for (var second = 0; second < 60; second++)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                for (var i = 0; i < 20; i++) await scheduler.Yield();
            }
            if (Unsettled(api, world) is { } undone) violations.Add($"settled, then undone within a minute: {undone}");
        }
    }

    /// <summary>What is not done yet: an object still being deleted, or a server its owner declares otherwise; null: settled.</summary>
    private static string? Unsettled(ServerPowerApi api, ServerWorld world)
    {
        var objects = api.Objects.Values.ToList();
        foreach (var server in objects)
        {
            if (server.Metadata.DeletionTimestamp is not null)
                return $"{server.Metadata.Name} is still being deleted ({Describe(server)})";
            var id = server.Spec.ServerId;
            var owner = objects.Where(o => CachedServerIdLookup.Normalize(o.Spec.ServerId) == CachedServerIdLookup.Normalize(id))
                .Min(ServerOwnership.Order);
            var declared = server.Spec.State == DesiredPowerState.Running ? PowerState.Running : PowerState.Stopped;
            if (owner == server && world.State(id) != declared)
                return $"server {id} is {world.State(id)}, its owner {server.Metadata.Name} declares {declared} ({Describe(server)})";
        }
        return null;
    }

    private static string Describe(ServerPowerResource server)
    {
        var ready = server.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        return $"rv {server.Metadata.ResourceVersion}, Ready {ready?.Status}/{ready?.Reason}: {ready?.Message}";
    }
}
