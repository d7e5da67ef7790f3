using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Kubernetes;
using ServerPower.Sandbox.Kubernetes.Faults;

namespace ServerPower.Operator.Tests.OnEmulator;

/// <summary>
/// A restart's final status write meets a fault of the real API server's shapes, injected by the emulator, and the
/// real reconciler on KubernetesClient still records Done with exactly one request to the provider: the outcome
/// writer retries the exceptions KubernetesClient actually throws for them.
/// </summary>
public sealed class OutcomeRecordingOnEmulatorTests
{
    public static TheoryData<string> Faults => new() { "429-apf", "429-status", "504-after-commit", "dropped-after-commit" };

    [Theory, MemberData(nameof(Faults))]
    public async Task A_restart_whose_final_status_write_meets_a_fault_still_ends_Done_with_one_provider_request(string fault)
    {
        await using var world = await OperatorWorld.StartAsync();
        await world.ReconcileUntilReadyAsync();
        await world.AnnotateAsync(Annotations.Restart, "r1");
        world.Emulator.ResetRequestCounts();
        // The first status patch of the pass records the restart as Sending (checked against resourceVersion, before the
        // provider is called); the fault strikes the next one, which records the provider's answer.
        var rule = new ApiFaultRule(fault switch
        {
            "429-apf" or "429-status" => ApiFaultKind.TooManyRequests,
            "504-after-commit" => ApiFaultKind.TimeoutAfterCommit,
            _ => ApiFaultKind.DropConnectionAfterCommit,
        }, "patch", "serverpowers/status") { Skip = 1, StatusBody = fault == "429-status", RetryAfterSeconds = 1 };
        using var injected = world.Emulator.Faults.Add(rule);

        await world.Reconciler.ReconcileAsync(OperatorWorld.Key, TestContext.Current.CancellationToken);

        var server = await world.ServerAsync();
        Assert.Equal(1, injected.Hits);
        Assert.Equal(OneShotPhase.Done, server.Status?.Restart?.Phase);
        Assert.Equal(1, world.Actions("reboot"));
        Assert.Equal(3, world.Emulator.CountRequests("serverpowers", "status", "patch"));

        // The next pass neither resends nor turns it Uncertain.
        await world.Reconciler.ReconcileAsync(OperatorWorld.Key, TestContext.Current.CancellationToken);
        Assert.Equal(OneShotPhase.Done, (await world.ServerAsync()).Status?.Restart?.Phase);
        Assert.Equal(1, world.Actions("reboot"));
    }

    [Fact]
    public async Task Every_write_of_the_operator_names_its_field_manager()
    {
        await using var world = await OperatorWorld.StartAsync();
        await world.ReconcileUntilReadyAsync();
        await world.AnnotateAsync(Annotations.Restart, "r1");
        world.Emulator.ResetRequestCounts();
        await world.Reconciler.ReconcileAsync(OperatorWorld.Key, TestContext.Current.CancellationToken);

        var writes = world.Emulator.RequestCounts.Where(p => p.Key.Verb is "create" or "update" or "patch" or "delete").ToList();
        Assert.NotEmpty(writes);
        Assert.All(writes, p => Assert.Equal(FieldManager.Name, p.Key.FieldManager));
        Assert.Contains(writes, p => p.Key is { Resource: "serverpowers", Subresource: "status" });
        var stored = world.Emulator.GetObject("power.serverops.io", "serverpowers", OperatorWorld.Ns, OperatorWorld.Name)!;
        Assert.Contains(FieldManager.Name, ServerPower.Sandbox.Kubernetes.Http.ManagedFields.Managers(stored));
    }
}
