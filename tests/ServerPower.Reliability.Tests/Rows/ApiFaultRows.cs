using System.Diagnostics;
using ServerPower.Reliability.Tests.Infrastructure;
using ServerPower.Sandbox.Kubernetes.Faults;

namespace ServerPower.Reliability.Tests.Rows;

/// <summary>Faults of the Kubernetes API server, scripted at the emulator, each under the same change of declarations.</summary>
public static class ApiFaultRows
{
    /// <summary>
    /// The declarations change, then at once every request is refused at the connection and every watch ends, for
    /// <paramref name="outage"/> (the issue's 30 s, scaled down to keep the suite short).
    /// </summary>
    public static async Task<FaultRow> OutageAsync(Suite suite, TimeSpan outage)
    {
        var fault = $"API server unavailable for {outage.TotalSeconds:0} s (scaled down from 30 s)";
        var (world, fleet) = await Change.WarmAsync(suite, "outage", ownWorld: true);
        try
        {
            var clock = Stopwatch.StartNew();
            var since = DateTimeOffset.UtcNow;
            await Change.DeclareAsync(fleet);
            using (world.Emulator.Faults.Add(new ApiFaultRule(ApiFaultKind.DropConnection, "*", "*") { Times = null }))
            {
                world.Emulator.CloseWatches();
                await Task.Delay(outage); // the scripted fault's window, not a wait for an outcome
            }
            return await Change.MeasureAsync(fault, fleet, since, clock, outage);
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }

    /// <summary>Every open watch ends and the next ten watches of each kind are cut after one event.</summary>
    public static async Task<FaultRow> WatchDropsAsync(Suite suite)
    {
        const string fault = "watch streams dropped (all open ones, then 10 per kind after 1 event)";
        var (world, fleet) = await Change.WarmAsync(suite, "watchdrop", ownWorld: true);
        try
        {
            var clock = Stopwatch.StartNew();
            var since = DateTimeOffset.UtcNow;
            world.Emulator.Faults.AbortWatch("serverpowers", afterEvents: 1, times: 10);
            world.Emulator.Faults.AbortWatch("powerproviders", afterEvents: 1, times: 10);
            world.Emulator.CloseWatches();
            await Change.DeclareAsync(fleet);
            return await Change.MeasureAsync(fault, fleet, since, clock, TimeSpan.Zero);
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }

    /// <summary>
    /// The watches end and cannot be re-opened while the declarations change and more writes push the operator's
    /// last resourceVersion out of the emulator's small event window: its resume is answered 410 Gone.
    /// </summary>
    public static async Task<FaultRow> GoneAsync(Suite suite)
    {
        const string fault = "410 Gone on watch resume (event window compacted)";
        var (world, fleet) = await Change.WarmAsync(suite, "gone", ownWorld: true, configure: options => options.WatchEventWindow = 16);
        try
        {
            var clock = Stopwatch.StartNew();
            var since = DateTimeOffset.UtcNow;
            var lists = world.Emulator.CountRequests("serverpowers", "", "list");
            using (world.Emulator.Faults.Add(new ApiFaultRule(ApiFaultKind.DropConnection, "watch", "*") { Times = null }))
            {
                world.Emulator.CloseWatches();
                await Change.DeclareAsync(fleet);
                for (var i = 0; i < 40; i++)
                    await world.ApplyAsync($"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: churn-{i}}}\ndata: {{n: \"{i}\"}}\n");
            }
            var row = await Change.MeasureAsync(fault, fleet, since, clock, clock.Elapsed);
            if (world.Emulator.CountRequests("serverpowers", "", "list") == lists)
                row.Problems.Add($"{fault}: the operator never listed again, so it never met the 410");
            return row;
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }

    /// <summary>Every status write of a ServerPower in the row's namespace answers 409 Conflict for <paramref name="window"/>.</summary>
    public static async Task<FaultRow> ConflictsAsync(Suite suite, TimeSpan window)
    {
        var fault = $"409 on every status write for {window.TotalSeconds:0} s (and at least 4 writes)";
        var (world, fleet) = await Change.WarmAsync(suite, "conflict");
        try
        {
            var clock = Stopwatch.StartNew();
            var since = DateTimeOffset.UtcNow;
            bool struck;
            TimeSpan ended;
            var rule = new ApiFaultRule(ApiFaultKind.Conflict, "patch,update", "serverpowers/status") { Namespace = world.Ns, Times = null };
            using (var conflicts = world.Emulator.Faults.Add(rule))
            {
                await Change.DeclareAsync(fleet);
                // The window: at least this long, and until four status writes met the conflict (a busy operator may
                // take a while to try), so the fault is known to have struck.
                await Task.Delay(window);
                struck = await Eventually.TryAsync(() => conflicts.Hits >= 4);
                ended = clock.Elapsed;
            }
            var row = await Change.MeasureAsync(fault, fleet, since, clock, ended);
            if (!struck) row.Problems.Add($"{fault}: fewer than four status writes met the conflict");
            return row;
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }
}
