using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ServerPower.Api.Resources;
using ServerPower.Sandbox.Providers.Core;

namespace ServerPower.Sandbox.Providers.Wings;

/// <summary>
/// Pterodactyl Wings: POST /api/servers/{uuid}/power ("Server Power Action") answers 202 and applies
/// the action later (after ActionApplyDelay), with upstream's lock rule: while a transition runs, an action
/// waits up to wait_seconds (omitted = 0, out of range = 30) for it to finish or is silently dropped; kill
/// never waits; start does nothing unless offline. 400 start/restart of a suspended server, 404, 422.
/// POST .../reinstall (202, 409 while busy), GET /api/servers, /api/servers/{uuid}, /api/system.
/// POST .../commands {"commands": [...]} ("Wings API: send command"): 204, upstream's 502 for a server that is not
/// running, 400 for a body without commands; delivered commands go to <see cref="ProviderSimulator.Commands"/>.
/// Auth (upstream): missing or malformed header 401, wrong token 403, both {"error"}; X-Request-Id on every answer.
/// </summary>
public sealed class WingsSimulator : ProviderSimulator
{
    private WingsSimulator(SimulatorOptions options)
        : base(options)
    {
    }

    public override ProviderType Type => ProviderType.Wings;

    /// <summary>Actions dropped because the power lock stayed taken longer than their wait_seconds.</summary>
    public int DroppedActions => droppedActions;

    private int droppedActions;

    public static async Task<WingsSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var simulator = new WingsSimulator(options ?? new SimulatorOptions());
        await simulator.StartAsync(cancellationToken);
        return simulator;
    }

    protected override void MapRoutes(WebApplication routes)
    {
        routes.MapGet("/api/system", (HttpContext context) => Json(context, 200, new
        {
            architecture = "amd64",
            cpu_count = 2,
            kernel_version = "6.1.0-sim",
            os = "linux",
            version = "1.11.13",
        }));
        routes.MapGet("/api/servers", (HttpContext context) => Json(context, 200, Servers.All.Select(View).ToArray()));
        routes.MapGet("/api/servers/{uuid}", (HttpContext context, string uuid) =>
            Servers.Find(uuid) is { } found ? Json(context, 200, View(found)) : NotFound(context));
        routes.MapPost("/api/servers/{uuid}/power", PowerAsync);
        routes.MapPost("/api/servers/{uuid}/reinstall", ReinstallAsync);
        routes.MapPost("/api/servers/{uuid}/commands", CommandsAsync);
        routes.MapFallback(NotFound);
    }

    protected override async Task<bool> AuthorizeAsync(HttpContext context)
    {
        context.Response.Headers["X-Request-Id"] = Guid.NewGuid().ToString();
        var token = BearerToken(context);
        if (token is null)
        {
            await Error(context, 401, "The required authorization heads were not present in the request.");
            return false;
        }

        if (token != Options.Token)
        {
            await Error(context, 403, "You are not authorized to access this endpoint.");
            return false;
        }

        return true;
    }

    protected override Task TooManyRequestsAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new { error = "Too many requests." });

    private Task PowerAsync(HttpContext context, string uuid)
    {
        if (Servers.Find(uuid) is not { } found)
        {
            return NotFound(context);
        }

        var body = JsonBodyOf(context);
        var action = StringField(body, "action");
        if (action is not ("start" or "stop" or "restart" or "kill"))
        {
            return Error(context, 422, "The power action provided was not valid, should be one of \"stop\", \"start\", \"restart\", \"kill\"");
        }

        if (found.Suspended && action is "start" or "restart")
        {
            return Error(context, 400, "Cannot start or restart a server that is suspended.");
        }

        Apply(found, action, WaitSeconds(body));
        return Empty(context, 202);
    }

    private Task CommandsAsync(HttpContext context, string uuid)
    {
        if (Servers.Find(uuid) is not { } found)
        {
            return NotFound(context);
        }

        if (JsonBodyOf(context) is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("commands", out var list)
            || list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
        {
            return Error(context, 400, "The request body is not valid: commands must be a list of strings.");
        }

        if (found.StateAt(Now) != SimPowerState.Running)
        {
            return Error(context, 502, "Cannot send commands to a stopped server instance.");
        }

        foreach (var command in list.EnumerateArray())
        {
            Commands.Add(new ReceivedCommand(found.Id, command.GetString()!, Now));
        }

        return Empty(context, 204);
    }

    private void Apply(SimulatedServer server, string action, int waitSeconds)
    {
        var now = Now;
        var at = now + Options.ActionApplyDelay;
        var settles = server.SettlesAt;
        if (action != "kill" && settles > now)
        {
            if (settles - now > TimeSpan.FromSeconds(waitSeconds))
            {
                Interlocked.Increment(ref droppedActions);
                return;
            }

            at = settles > at ? settles : at;
        }

        _ = action switch
        {
            "start" => Servers.Start(server, at),
            "stop" => Servers.Stop(server, at),
            "restart" => Servers.Restart(server, at),
            _ => Servers.Kill(server, at),
        };
    }

    private Task ReinstallAsync(HttpContext context, string uuid)
    {
        if (Servers.Find(uuid) is not { } found)
        {
            return NotFound(context);
        }

        if (found.SettlesAt > Now)
        {
            return Error(context, 409, "Another power action is currently being executed for this server, please try again later.");
        }

        Servers.Reinstall(found, SimPowerState.Offline);
        return Empty(context, 202);
    }

    /// <summary>Upstream: omitted means 0; outside 0..300 becomes 30.</summary>
    private static int WaitSeconds(JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } obj || !obj.TryGetProperty("wait_seconds", out var value)
            || !value.TryGetInt32(out var seconds))
        {
            return 0;
        }

        return seconds is < 0 or > 300 ? 30 : seconds;
    }

    private object View(SimulatedServer server) => new
    {
        state = server.ReportedState ?? server.StateAt(Now) switch
        {
            SimPowerState.Running => "running",
            SimPowerState.Starting => "starting",
            SimPowerState.Stopping => "stopping",
            _ => "offline",
        },
        is_suspended = server.Suspended,
        utilization = new { memory_bytes = 0, memory_limit_bytes = 0, cpu_absolute = 0, disk_bytes = 0, uptime = 0 },
        configuration = new { uuid = server.Id },
    };

    private static Task NotFound(HttpContext context) =>
        Error(context, 404, "The requested resource does not exist on this instance.");

    private static Task Error(HttpContext context, int status, string error) =>
        Json(context, status, new { error, request_id = context.Response.Headers["X-Request-Id"].ToString() });
}
