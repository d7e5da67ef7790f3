using System.Diagnostics;
using ServerPower.Api.Resources;
using ServerPower.Reliability.Tests.Infrastructure;
using ServerPower.Sandbox.Kubernetes.Api;
using ServerPower.Sandbox.Providers;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Reliability.Tests.Rows;

/// <summary>
/// Bad inputs: each must give its specific condition reason and send nothing for that server (the declared state
/// of a server with a bad annotation still goes on: only the one-shot is refused).
/// </summary>
public static class BadInputRows
{
    private const string Server = "bad";

    public static async Task<List<FaultRow>> RunAsync(Suite suite)
    {
        var rows = new List<FaultRow>();
        var world = await suite.TenantAsync("badinput");
        try
        {
            var simulator = await world.SimulatorAsync();
            await world.ApplyProviderAsync("good", ProviderType.Wenium, simulator.BaseAddress.ToString(), simulator.Token);
            await world.ApplyAsync($$"""
                apiVersion: {{World.Group}}/{{World.Version}}
                kind: PowerProvider
                metadata: {name: nosecret}
                spec:
                  type: Wenium
                  endpoint: {{simulator.BaseAddress.ToString().TrimEnd('/')}}
                  credentialsSecretRef: {name: absent, key: token}
                ---
                apiVersion: {{World.Group}}/{{World.Version}}
                kind: PowerProvider
                metadata: {name: nokey}
                spec:
                  type: Wenium
                  endpoint: {{simulator.BaseAddress.ToString().TrimEnd('/')}}
                  credentialsSecretRef: {name: good-token, key: absent}
                ---
                apiVersion: {{World.Group}}/{{World.Version}}
                kind: PowerProvider
                metadata: {name: localhost}
                spec:
                  type: Wenium
                  endpoint: {{simulator.BaseAddress.ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal).TrimEnd('/')}}
                  credentialsSecretRef: {name: good-token, key: token}
                """);
            rows.Add(await CaseAsync(world, simulator, "unknown provider (providerRef names none)", "nope", "2001", "ProviderNotFound"));
            rows.Add(await CaseAsync(world, simulator, "missing Secret", "nosecret", "2002", "CredentialsMissing"));
            rows.Add(await CaseAsync(world, simulator, "missing key in the Secret", "nokey", "2003", "CredentialsMissing"));
            rows.Add(await CaseAsync(world, simulator, "Wenium id that is not a number", "good", "abc", "InvalidSpec"));
            rows.Add(await CaseAsync(world, simulator, "host outside the allowlist (localhost)", "localhost", "2005", "EndpointNotAllowed"));
            rows.Add(await AnnotationAsync(world, simulator, "10 kB restart annotation", "2006", new string('a', 10 * 1024)));
            rows.Add(await AnnotationAsync(world, simulator, "unicode restart annotation", "2007", "redémarrage-✓"));
            rows.Add(await UnknownTypeAsync(world));
        }
        finally
        {
            await suite.FinishAsync(world);
        }
        rows.Add(await PlainHttpAsync(suite));
        return rows;
    }

    private static async Task<FaultRow> CaseAsync(World world, IProviderSimulator simulator, string fault, string provider, string id, string reason)
    {
        var name = $"{Server}-{id}";
        simulator.AddServer(id, SimPowerState.Offline);
        var clock = Stopwatch.StartNew();
        await world.ApplyAsync(ServerYaml(name, provider, id));
        var reported = await Eventually.TryAsync(() => world.Reason(name, "Synced") == reason);
        var sent = simulator.Actions.Count(id) + simulator.Requests.Snapshot().Count(r => r.Path.Contains($"/{id}", StringComparison.Ordinal));
        var row = new FaultRow(fault, 1, 0, sent, 0, 0, reported ? $"{reason} in {FaultRow.Seconds(clock.Elapsed)}" : $"no {reason}: {world.Reason(name, "Synced")}");
        if (!reported) row.Problems.Add($"{fault}: expected Synced reason {reason}, got {world.Reason(name, "Synced")}");
        if (sent > 0) row.Problems.Add($"{fault}: {sent} request(s) for the server were sent");
        return row;
    }

    /// <summary>A restart token the operator must refuse (InvalidSpec, nothing sent for it); the declared start still happens.</summary>
    private static async Task<FaultRow> AnnotationAsync(World world, IProviderSimulator simulator, string fault, string id, string token)
    {
        var name = $"{Server}-{id}";
        simulator.AddServer(id, SimPowerState.Running);
        await world.ApplyAsync(ServerYaml(name, "good", id));
        await Eventually.TryAsync(() => world.Server(name)?["status"]?["powerState"]?.ToString() == "Running");
        var clock = Stopwatch.StartNew();
        string? refused = null;
        try
        {
            await world.PatchAsync("serverpowers", name, new System.Text.Json.Nodes.JsonObject
            {
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["annotations"] = new System.Text.Json.Nodes.JsonObject { ["power.serverops.io/restart"] = token } },
            });
        }
        catch (InvalidOperationException e)
        {
            refused = e.Message;
        }
        var reported = refused is null && await Eventually.TryAsync(() => world.Reason(name, "Synced") == "InvalidSpec");
        var sent = simulator.Actions.Count(id);
        var recovery = refused is not null ? $"refused by the API server: {refused[..Math.Min(80, refused.Length)]}"
            : reported ? $"InvalidSpec in {FaultRow.Seconds(clock.Elapsed)}" : $"no InvalidSpec: {world.Reason(name, "Synced")}";
        var row = new FaultRow(fault, 1, 0, sent, 0, 0, recovery);
        if (refused is null && !reported) row.Problems.Add($"{fault}: expected Synced reason InvalidSpec, got {world.Reason(name, "Synced")}");
        if (sent > 0) row.Problems.Add($"{fault}: {sent} action(s) sent");
        return row;
    }

    /// <summary>A PowerProvider of a type that does not exist never gets past the API server.</summary>
    private static async Task<FaultRow> UnknownTypeAsync(World world)
    {
        const string fault = "unknown provider type (spec.type: Acme)";
        string? refused = null;
        try
        {
            await world.ApplyAsync($$"""
                apiVersion: {{World.Group}}/{{World.Version}}
                kind: PowerProvider
                metadata: {name: acme}
                spec:
                  type: Acme
                  endpoint: https://acme.invalid
                  credentialsSecretRef: {name: good-token, key: token}
                """);
        }
        catch (KubeApiException e)
        {
            refused = $"{e.Code} {e.Reason}";
        }
        var row = new FaultRow(fault, 0, 0, 0, 0, 0, refused is null ? "accepted" : $"refused by the API server ({refused})");
        if (refused is null) row.Problems.Add($"{fault}: the API server accepted it");
        return row;
    }

    /// <summary>An operator started without --allow-http-endpoints refuses the simulators' plain http endpoints.</summary>
    private static async Task<FaultRow> PlainHttpAsync(Suite suite)
    {
        var world = await suite.WorldAsync("plainhttp");
        try
        {
            var simulator = await world.SimulatorAsync();
            await world.ApplyProviderAsync("good", ProviderType.Wenium, simulator.BaseAddress.ToString(), simulator.Token);
            await world.StartOperator(allowHttp: false).ReadyAsync();
            var row = await CaseAsync(world, simulator, "plain http endpoint without --allow-http-endpoints", "good", "2009", "EndpointNotAllowed");
            if (simulator.Requests.Total > 0) row.Problems.Add($"plain http: {simulator.Requests.Total} request(s) reached the simulator (probe included)");
            return row with { Sent = (int)simulator.Requests.Total };
        }
        finally
        {
            await suite.FinishAsync(world);
        }
    }

    /// <summary>A ServerPower declared Running; <paramref name="spec"/>: more spec lines, each indented two spaces.</summary>
    internal static string ServerYaml(string name, string provider, string id, string spec = "") => $$"""
        apiVersion: {{World.Group}}/{{World.Version}}
        kind: ServerPower
        metadata: {name: {{name}}}
        spec:
          providerRef: {name: {{provider}}}
          serverId: "{{id}}"
          state: Running

        """ + spec;
}
