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

    public int ScannedWorlds;
    public int ScannedSecrets;
    public int LogLines;
    public int MetricsScrapes;
    public int Events;
    public int Statuses;

    public async Task<World> WorldAsync(string ns, Action<KubeApiEmulatorOptions>? configure = null) =>
        await World.StartAsync(ns, configure);

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

    public async Task<List<string>> RunLateChecksAsync()
    {
        var problems = new List<string>();
        while (late.TryDequeue(out var item))
        {
            if (item.Check() is { } problem) problems.Add(problem);
            await FinishAsync(item.World);
        }
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
        Interlocked.Add(ref ScannedSecrets, secrets.Length);
    }
}
