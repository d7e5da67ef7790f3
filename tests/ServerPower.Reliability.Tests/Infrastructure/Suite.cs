using System.Collections.Concurrent;
using ServerPower.Sandbox.Kubernetes;

namespace ServerPower.Reliability.Tests.Infrastructure;

/// <summary>
/// What the rows share: their worlds, the secret scan each world gets when its row ends, and checks that run only
/// when every row has finished (so the whole suite's duration is the observation window, with no sleep).
/// </summary>
public sealed class Suite
{
    private readonly ConcurrentQueue<(World World, Func<string?> Check)> late = new();

    public ConcurrentQueue<string> Leaks { get; } = new();

    private readonly ConcurrentDictionary<string, byte> scannedSecrets = new();

    public int ScannedWorlds;
    public int LogLines;
    public int MetricsScrapes;
    public int Events;
    public int Statuses;

    /// <summary>The extra provider host the shared operator allows (it does not resolve: the DNS failure row).</summary>
    public const string UnresolvableHost = "wenium.sim.invalid";

    private readonly SemaphoreSlim sharedGate = new(1, 1);
    private World? shared;

    /// <summary>A world of its own: an emulator for this row alone (its faults would reach every tenant).</summary>
    public async Task<World> WorldAsync(string ns, Action<KubeApiEmulatorOptions>? configure = null) =>
        await World.StartAsync(ns, configure);

    /// <summary>A namespace of the shared world, whose one operator (all namespaces) reconciles every tenant.</summary>
    public async Task<World> TenantAsync(string ns)
    {
        await sharedGate.WaitAsync();
        try
        {
            if (shared is null)
            {
                shared = await World.StartAsync("shared");
                var process = shared.StartOperator(allNamespaces: true, extraHosts: UnresolvableHost);
                if (!await process.ReadyAsync()) throw new InvalidOperationException($"the shared operator never became ready:\n{process.Log}");
            }
        }
        finally
        {
            sharedGate.Release();
        }
        return await shared.TenantAsync(ns);
    }

    /// <summary>Scans the world for its secrets (logs, events, status, /metrics), then tears it down.</summary>
    public async Task FinishAsync(World world)
    {
        try
        {
            await ScanAsync(world);
        }
        finally
        {
            await world.DisposeAsync();
        }
    }

    /// <summary>Keeps the world running until every row is done, then runs <paramref name="check"/> (null: fine) and finishes it.</summary>
    public void Later(World world, Func<string?> check) => late.Enqueue((world, check));

    /// <summary>Distinct secrets looked for.</summary>
    public int ScannedSecrets => scannedSecrets.Count;

    /// <summary>Runs the late checks, then finishes their worlds and the shared world.</summary>
    public async Task<List<string>> RunLateChecksAsync()
    {
        var problems = new List<string>();
        while (late.TryDequeue(out var item))
        {
            if (item.Check() is { } problem) problems.Add(problem);
            await FinishAsync(item.World);
        }
        if (shared is not null) await FinishAsync(shared);
        return problems;
    }

    private async Task ScanAsync(World world)
    {
        var evidence = await world.EvidenceAsync();
        string[] secrets;
        lock (world.Secrets) secrets = [.. world.Secrets];
        foreach (var leak in SecretScan.Find(evidence.Text, secrets)) Leaks.Enqueue($"{world.Ns}: {leak}");
        Interlocked.Increment(ref ScannedWorlds);
        Interlocked.Add(ref LogLines, evidence.LogLines);
        Interlocked.Add(ref MetricsScrapes, evidence.MetricsScrapes);
        Interlocked.Add(ref Events, evidence.Events);
        Interlocked.Add(ref Statuses, evidence.Statuses);
        foreach (var secret in secrets) scannedSecrets.TryAdd(secret, 0);
    }
}
