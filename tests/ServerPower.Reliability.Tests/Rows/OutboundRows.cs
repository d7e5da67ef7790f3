using System.Diagnostics;
using System.Net;
using ServerPower.Api.Resources;
using ServerPower.Reliability.Tests.Infrastructure;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;
using ServerPower.Sandbox.Services;

namespace ServerPower.Reliability.Tests.Rows;

/// <summary>
/// What a tenant may not reach, and what one tenant may not take from another. Refused targets are loopback addresses
/// the production default refuses (the operator runs with <c>--allowed-cidrs 127.0.0.1/32</c> only, for the simulators,
/// and no host allowlist, so the address policy alone decides): listeners there must see no connection. Nothing here
/// points at an address off this machine.
/// </summary>
public static class OutboundRows
{
    public static async Task<List<FaultRow>> RefusedTargetsAsync(Suite suite)
    {
        var rows = new List<FaultRow>();
        await using var v4 = ServiceListener.Start(address: IPAddress.Parse("127.0.0.2"));
        await using var v6 = ServiceListener.Start(address: IPAddress.IPv6Loopback);
        var world = await suite.WorldAsync("outbound");
        try
        {
            var simulator = await world.SimulatorAsync();
            await world.ApplyProviderAsync("good", ProviderType.Wenium, simulator.BaseAddress.ToString(), simulator.Token);
            await world.ApplyProviderAsync("loopback-two", ProviderType.Wenium, $"http://127.0.0.2:{v4.Port}", simulator.Token);
            await world.ApplyProviderAsync("loopback-six", ProviderType.Wenium, $"http://[::1]:{v6.Port}", simulator.Token);
            var process = world.StartOperator(hostAllowlist: false);
            if (!await process.ReadyAsync()) throw new InvalidOperationException($"the operator never became ready:\n{process.Log}");
            rows.Add(await RefusedAsync(world, simulator, "provider endpoint on 127.0.0.2 (loopback refused but for 127.0.0.1/32)", "loopback-two", "3001", "", v4));
            rows.Add(await RefusedAsync(world, simulator, "provider endpoint on [::1]", "loopback-six", "3002", "", v6));
            rows.Add(await RefusedAsync(world, simulator, "readiness probe (tcpSocket) at 127.0.0.2", "good", "3003",
                $"tcpSocket: {{host: 127.0.0.2, port: {v4.Port}}}", v4));
            rows.Add(await RefusedAsync(world, simulator, "readiness probe (httpGet) at [::1]", "good", "3004",
                $"httpGet: {{url: \"http://[::1]:{v6.Port}/health\"}}", v6));
        }
        finally
        {
            await suite.FinishAsync(world);
        }
        return rows;
    }

    private static async Task<FaultRow> RefusedAsync(World world, IProviderSimulator simulator, string fault, string provider, string id, string probe,
        ServiceListener target)
    {
        var name = $"refused-{id}";
        simulator.AddServer(id, SimPowerState.Running);
        var clock = Stopwatch.StartNew();
        await world.ApplyAsync(BadInputRows.ServerYaml(name, provider, id, probe.Length > 0 ? $"  readinessProbe: {{{probe}}}\n" : ""));
        var reported = await Eventually.TryAsync(() => world.Reason(name, "Synced") == "EndpointNotAllowed");
        var sent = simulator.Actions.Count(id);
        var row = new FaultRow(fault, 1, 0, sent, 0, 0,
            reported ? $"EndpointNotAllowed in {FaultRow.Seconds(clock.Elapsed)}; {target.Accepted} connection(s) at the target" : $"no EndpointNotAllowed: {world.Reason(name, "Synced")}");
        if (!reported) row.Problems.Add($"{fault}: expected Synced reason EndpointNotAllowed, got {world.Reason(name, "Synced")}");
        if (target.Accepted > 0) row.Problems.Add($"{fault}: {target.Accepted} connection(s) reached the refused target");
        if (sent > 0) row.Problems.Add($"{fault}: {sent} action(s) sent");
        return row;
    }

    /// <summary>
    /// One namespace floods the operator (more ServerPowers than it serves per namespace, every probe at a service that
    /// never answers) while another namespace's server waits for its own probe: it must become Ready, and the excess is
    /// reported, not silently slowed. The other namespace's time to Ready is measured, not asserted.
    /// </summary>
    public static async Task<FaultRow> FloodingTenantAsync(Suite suite)
    {
        const int Flood = 30, Served = 20, InFlight = 4;
        const string fault = "flooding tenant: 30 ServerPowers probing a service that never answers (20 served, 4 probes in flight per namespace)";
        await using var hanging = ServiceListener.Start();
        hanging.Hang = true;
        await using var service = ServiceListener.Start();
        var world = await suite.WorldAsync("flood");
        try
        {
            var quiet = await world.TenantAsync("quiet");
            var simulator = await world.SimulatorAsync();
            await world.ApplyProviderAsync("wenium", ProviderType.Wenium, simulator.BaseAddress.ToString(), simulator.Token);
            await quiet.ApplyProviderAsync("wenium", ProviderType.Wenium, simulator.BaseAddress.ToString(), simulator.Token);
            for (var i = 0; i < Flood; i++) simulator.AddServer($"{4000 + i}", SimPowerState.Running);
            simulator.AddServer("4999", SimPowerState.Running);
            var process = world.StartOperator(allNamespaces: true,
                extraArgs: ["--max-servers-per-namespace", $"{Served}", "--max-probes-per-namespace", $"{InFlight}"]);
            if (!await process.ReadyAsync()) throw new InvalidOperationException($"the operator never became ready:\n{process.Log}");

            var hang = $"  readinessProbe: {{httpGet: {{url: \"http://127.0.0.1:{hanging.Port}/\"}}, periodSeconds: 5, timeoutSeconds: 5}}\n";
            await world.ApplyAsync(string.Join("---\n", Enumerable.Range(0, Flood).Select(i => BadInputRows.ServerYaml($"flood-{i:D2}", "wenium", $"{4000 + i}", hang))));
            var flooding = await Eventually.TryAsync(() => hanging.Accepted >= InFlight);

            var clock = Stopwatch.StartNew();
            await quiet.ApplyAsync(BadInputRows.ServerYaml("quiet", "wenium", "4999", $"  readinessProbe: {{tcpSocket: {{host: 127.0.0.1, port: {service.Port}}}}}\n"));
            var ready = await Eventually.TryAsync(() => quiet.Reason("quiet", "Ready") == "InDesiredState");
            var elapsed = clock.Elapsed;
            var reported = 0;
            await Eventually.TryAsync(() => (reported = Enumerable.Range(0, Flood)
                .Count(i => world.Reason($"flood-{i:D2}", "Synced") == "NamespaceLimitExceeded")) == Flood - Served);

            var row = new FaultRow(fault, Flood + 1, 0, simulator.Actions.Count(), 0, ready ? 0 : 1,
                $"other namespace Ready in {FaultRow.Seconds(elapsed)} with {hanging.Accepted} flood probe(s) hung so far; {reported} reported NamespaceLimitExceeded");
            if (!flooding) row.Problems.Add($"{fault}: the flood's probes never reached the hanging service");
            if (!ready) row.Problems.Add($"{fault}: the other namespace's server never became Ready: {quiet.Reason("quiet", "Ready")}");
            if (reported != Flood - Served) row.Problems.Add($"{fault}: {reported} servers reported NamespaceLimitExceeded, expected {Flood - Served}");
            return row;
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }
}
