using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Hosting;
using ServerPower.Operator.AutoStop;
using ServerPower.Operator.Kubernetes;
using ServerPower.Operator.Ordering;
using ServerPower.Operator.Ownership;
using ServerPower.Operator.Reconciliation;
using ServerPower.Providers;
using ServerPower.Providers.Contract;
using ServerPower.Providers.Outbound;
using ServerPower.Operator.Endpoints;
using ServerPower.Operator.Probing;

namespace ServerPower.Operator.Tests.OnEmulator;

/// <summary>
/// PowerSchedule and the scheduled ServerPower through the real client against the emulator, whose structural schema
/// and CEL admission check every status the reconcilers write.
/// </summary>
public sealed class ScheduleOnEmulatorTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_schedule_status_and_a_scheduled_servers_status_are_admitted_and_read_back()
    {
        await using var world = await OperatorWorld.StartAsync();
        await world.Emulator.ApplyYamlAsync($$"""
            apiVersion: power.serverops.io/v1alpha1
            kind: PowerSchedule
            metadata: {name: always, namespace: {{OperatorWorld.Ns}}}
            spec:
              timeZone: Asia/Kolkata
              running:
                - {from: "00:00", to: "00:00"}
              exceptions:
                - {date: "2099-12-31", state: Stopped}
            """, cancellationToken: Cancel);
        var schedules = new KubernetesScheduleClient(world.Client);
        var events = new KubernetesEventRecorder(world.Client, TimeProvider.System, NullLogger<KubernetesEventRecorder>.Instance, "test");

        var result = await new PowerScheduleReconciler(schedules, events, TimeProvider.System, NullLogger<PowerScheduleReconciler>.Instance)
            .ReconcileAsync(new(OperatorWorld.Ns, "always"), Cancel);

        var schedule = await schedules.GetScheduleAsync(OperatorWorld.Ns, "always", Cancel);
        Assert.Equal(TargetPowerState.Running, schedule!.Status?.State);
        Assert.Equal(new DateTimeOffset(2099, 12, 30, 18, 30, 0, TimeSpan.Zero), schedule.Status?.NextTransition);
        Assert.Equal(Reasons.ScheduleValid, schedule.Status?.Conditions?.Single().Reason);
        Assert.Equal(TimeSpan.FromDays(7), result.RequeueAfter);

        await using var providers = new ServiceCollection().AddSingleton(OutboundPolicy.AllowingLoopback).AddServerPowerProviders().BuildServiceProvider();
        var resolver = new ProviderResolver(world.Resources, providers.GetRequiredService<IPowerProviderFactory>(), new EndpointPolicy(false, true, []));
        var servers = new ServerPowerReconciler(world.Resources, resolver, events, TimeProvider.System, OperatorHost.Settings(new OperatorOptions()),
            NullLogger<ServerPowerReconciler>.Instance, ReadinessProbesOff.Instance, StartOrderOff.Instance, schedules, ServerOwnershipOff.Instance, ActivityMonitorOff.Instance);
        await PatchAsync(world, new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [Annotations.Override] = "Stopped until 2099-01-01T00:00:00Z" } },
            ["spec"] = new JsonObject { ["state"] = "Scheduled", ["scheduleRef"] = new JsonObject { ["name"] = "always" } },
        });

        await servers.ReconcileAsync(OperatorWorld.Key, Cancel);

        var server = await world.ServerAsync();
        Assert.Equal(TargetPowerState.Stopped, server.Status?.DesiredState);
        Assert.Equal(new OverrideStatus { State = TargetPowerState.Stopped, Until = new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), Active = true },
            server.Status?.Override);

        await PatchAsync(world, new JsonObject { ["spec"] = new JsonObject { ["scheduleRef"] = new JsonObject { ["name"] = "gone" } } });
        await servers.ReconcileAsync(OperatorWorld.Key, Cancel);
        await PatchAsync(world, new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [Annotations.Override] = null } } });
        await servers.ReconcileAsync(OperatorWorld.Key, Cancel);

        server = await world.ServerAsync();
        Assert.Null(server.Status?.DesiredState);
        Assert.Null(server.Status?.Override);
        Assert.Equal(Reasons.ScheduleNotFound, server.Status?.Conditions?.Single(c => c.Type == ConditionTypes.Synced).Reason);
        Assert.Equal(1, world.Actions("stop"));
    }

    [Fact]
    public async Task The_api_refuses_Scheduled_without_scheduleRef()
    {
        await using var world = await OperatorWorld.StartAsync();

        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            PatchAsync(world, new JsonObject { ["spec"] = new JsonObject { ["state"] = "Scheduled" } }));

        Assert.Contains("422", refused.Message);
    }

    private static async Task PatchAsync(OperatorWorld world, JsonObject patch)
    {
        using var http = world.Emulator.CreateHttpClient();
        using var content = new StringContent(patch.ToJsonString(), System.Text.Encoding.UTF8, "application/merge-patch+json");
        using var response = await http.PatchAsync($"/apis/power.serverops.io/v1alpha1/namespaces/{OperatorWorld.Ns}/serverpowers/{OperatorWorld.Name}", content, Cancel);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancel)}");
    }
}
