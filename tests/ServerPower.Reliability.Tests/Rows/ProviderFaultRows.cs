using System.Diagnostics;
using ServerPower.Reliability.Tests.Infrastructure;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Reliability.Tests.Rows;

/// <summary>Faults of the provider, scripted at the simulator, each under the same change of declarations.</summary>
public static class ProviderFaultRows
{
    private const string Html = "<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>";

    /// <summary>Name, namespace, and the fault: injects it, returns how long it lasts (zero: counted, not timed).</summary>
    public static IEnumerable<(string Fault, string Ns, Func<IProviderSimulator, TimeSpan> Inject)> Faults() =>
    [
        ("provider 5xx storm: every call 503 for 5 s, the body echoing the token", "storm", simulator =>
        {
            simulator.Faults.AddFor(new FaultRule { StatusCode = 503, Body = $$"""{"message":"upstream refused token {{simulator.Token}}"}""" }, TimeSpan.FromSeconds(5));
            return TimeSpan.FromSeconds(5);
        }),
        ("429 with Retry-After: 0 (3 answers)", "ra0", simulator =>
        {
            simulator.Faults.Respond(429, count: 3, retryAfter: TimeSpan.Zero);
            return TimeSpan.Zero;
        }),
        ("429 with Retry-After: 30", "ra30", simulator =>
        {
            simulator.Faults.Respond(429, count: 1, retryAfter: TimeSpan.FromSeconds(30));
            return TimeSpan.Zero;
        }),
        ("hanging answers (2 actions never answered)", "hang", simulator =>
        {
            simulator.Faults.Hang(count: 2, method: "POST");
            return TimeSpan.Zero;
        }),
        ("connection closed after the request was read, before acting (4 actions)", "drop", simulator =>
        {
            simulator.Faults.Drop(count: 4, method: "POST");
            return TimeSpan.Zero;
        }),
        ("connection closed after the action was carried out (4 actions)", "dropafter", simulator =>
        {
            simulator.Faults.DropAfterAnswer(count: 4, method: "POST");
            return TimeSpan.Zero;
        }),
        ("redirects: 307 to another host (4 actions)", "redirect", simulator =>
        {
            simulator.Faults.Redirect(new Uri("http://127.0.0.2:9/elsewhere"), count: 4, method: "POST");
            return TimeSpan.Zero;
        }),
        ("HTML page with 200 (2 reads, 4 actions)", "html", simulator =>
        {
            simulator.Faults.RespondRaw(200, Html, "text/html", count: 2, method: "GET");
            simulator.Faults.RespondRaw(200, Html, "text/html", count: 4, method: "POST");
            return TimeSpan.Zero;
        }),
        ("oversized bodies: 64 MB answers (2 reads, 2 actions)", "huge", simulator =>
        {
            simulator.Faults.RespondHuge(64L << 20, count: 2, method: "GET");
            simulator.Faults.RespondHuge(64L << 20, count: 2, method: "POST");
            return TimeSpan.Zero;
        }),
    ];

    public static async Task<FaultRow> RunAsync(Suite suite, string fault, string ns, Func<IProviderSimulator, TimeSpan> inject)
    {
        var (world, fleet) = await Change.WarmAsync(suite, ns);
        try
        {
            var clock = Stopwatch.StartNew();
            var since = DateTimeOffset.UtcNow;
            var lasts = inject(fleet.Simulator);
            await Change.DeclareAsync(fleet);
            // A counted fault ends when its last scripted answer struck; a timed one at its deadline.
            var struck = lasts > TimeSpan.Zero || await Eventually.TryAsync(() => fleet.Simulator.Faults.Pending == 0);
            var row = await Change.MeasureAsync(fault, fleet, since, clock, lasts > TimeSpan.Zero ? lasts : clock.Elapsed);
            if (!struck) row.Problems.Add($"{fault}: {fleet.Simulator.Faults.Pending} scripted fault(s) never struck");
            return row;
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }

    /// <summary>
    /// Retry-After: 3600 holds the whole account for the hour: the row checks that the servers wait (Synced
    /// RateLimited) and, when every other row is done, that nothing more was sent in the meantime.
    /// </summary>
    public static async Task<FaultRow> RetryAfterAnHourAsync(Suite suite)
    {
        const string fault = "429 with Retry-After: 3600";
        var (world, fleet) = await Change.WarmAsync(suite, "ra3600");
        var since = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        fleet.Simulator.Faults.Respond(429, count: 1, retryAfter: TimeSpan.FromHours(1));
        await Change.DeclareAsync(fleet);
        // A server whose stop the provider carried out before its 429 (reconciles run in parallel, so which call meets
        // the 429 is a race) is done; every other server declared Stopped waits and says so.
        var waiting = await Eventually.TryAsync(() => fleet.Members.Where((_, i) => i % 2 == 0)
            .All(m => world.Reason(m.Name, "Synced") == "RateLimited" || fleet.Simulator.Servers.StateOf(m.Id) != SimPowerState.Running));
        var requests = fleet.Simulator.Requests.Total;
        var row = new FaultRow(fault, fleet.Members.Count, fleet.Expected, fleet.Sent(since), fleet.Duplicates(), 0,
            $"held as told (RateLimited in {FaultRow.Seconds(clock.Elapsed)}; not waited)");
        if (!waiting) row.Problems.Add($"{fault}: the servers did not report RateLimited: {fleet.Describe()}");
        suite.Later(world, () =>
        {
            var more = fleet.Simulator.Requests.Total - requests;
            return more == 0 ? null : $"{fault}: {more} request(s) sent to the account inside its Retry-After";
        });
        return row;
    }

    /// <summary>An endpoint host that does not resolve (allowed, so the request really is attempted), then fixed.</summary>
    public static async Task<FaultRow> DnsFailureAsync(Suite suite)
    {
        const string fault = "DNS failure: endpoint host under .invalid, then fixed";
        const string host = Suite.UnresolvableHost;
        var world = await suite.TenantAsync("dns");
        try
        {
            var simulator = await world.SimulatorAsync();
            var good = simulator.BaseAddress.ToString();
            var fleet = await Fleet.CreateAsync(world, simulator, Change.Servers, initial: SimPowerState.Offline,
                endpoint: good.Replace("127.0.0.1", host, StringComparison.Ordinal));
            var since = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            var row = new List<string>();
            if (!await Eventually.TryAsync(() => fleet.Members.All(m => world.Reason(m.Name, "Synced") == "ProviderUnavailable")))
                row.Add($"{fault}: the servers did not report ProviderUnavailable: {fleet.Describe()}");
            var sentWhileBroken = simulator.Requests.Total;
            await world.ApplyProviderAsync(Fleet.Account, simulator.Type, good, simulator.Token);
            var fixedAt = clock.Elapsed;
            var result = await Change.MeasureAsync(fault, fleet, since, clock, fixedAt);
            result.Problems.AddRange(row);
            if (sentWhileBroken > 0) result.Problems.Add($"{fault}: {sentWhileBroken} request(s) reached the simulator while the host did not resolve");
            return result;
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }
}
