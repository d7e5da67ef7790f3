using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Reconciliation;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;
using ServerPower.Simulation.Tests.Harness;

namespace ServerPower.Simulation.Tests;

/// <summary>
/// Deliberately broken reconcilers: the real one plus one wrong step each. The harness must catch every one of
/// them, or an invariant that never fires on the real code would prove nothing.
/// </summary>
internal static class Mutants
{
    public static Func<MutantEdges, IReconciler, IReconciler> Get(string name) => name switch
    {
        "resends-one-shots" => (edges, inner) => new After(inner, edges, ResendOneShotsAsync),
        "marks-tokens-done" => (edges, inner) => new After(inner, edges, MarkTokenDoneAsync),
        "kills-right-after-stop" => (edges, inner) => new After(inner, edges, KillAfterStopAsync),
        "requeues-at-once" => (edges, inner) => new After(inner, edges, (_, _, _, _) => Task.FromResult(ReconcileResult.After(TimeSpan.Zero))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such mutant"),
    };

    /// <summary>Sends every restart or rebuild of this reconcile a second time.</summary>
    private static async Task<ReconcileResult> ResendOneShotsAsync(MutantEdges edges, ObjectKey key, ReconcileResult result, CancellationToken cancellationToken)
    {
        foreach (var request in ThisReconcile(edges).Where(r => r.Action is ActionType.Restart or ActionType.Rebuild).ToList())
            if (await ProviderAsync(edges, key, cancellationToken) is { } provider)
                await provider.SendAsync(request.ServerId, request.Action!.Value, null, cancellationToken);
        return result;
    }

    /// <summary>Records a new restart token as Done without sending anything.</summary>
    private static async Task<ReconcileResult> MarkTokenDoneAsync(MutantEdges edges, ObjectKey key, ReconcileResult result, CancellationToken cancellationToken)
    {
        var server = await edges.Kube.GetServerAsync(key.Namespace, key.Name, cancellationToken);
        if (server?.Metadata.Annotations?.TryGetValue(Annotations.Restart, out var token) == true && UserModel.Valid(token)
            && server.Status is { } status && status.Restart?.Token != token)
            await edges.Kube.PatchServerStatusAsync(server, status with { Restart = new OneShotStatus { Token = token, Phase = OneShotPhase.Done } }, false, cancellationToken);
        return result;
    }

    /// <summary>Follows an accepted stop with a kill at once, without waiting for the grace period.</summary>
    private static async Task<ReconcileResult> KillAfterStopAsync(MutantEdges edges, ObjectKey key, ReconcileResult result, CancellationToken cancellationToken)
    {
        if (ThisReconcile(edges).LastOrDefault(r => r.Action == ActionType.Stop && r.Outcome.IsAccepted) is { } stop
            && await ProviderAsync(edges, key, cancellationToken) is { } provider && provider.Capabilities.Supports(ActionType.Kill))
            await provider.SendAsync(stop.ServerId, ActionType.Kill, null, cancellationToken);
        return result;
    }

    private static IEnumerable<ProviderRequest> ThisReconcile(MutantEdges edges)
    {
        var fiber = edges.Fibers.Current!;
        return fiber.ReadObject is { } server ? edges.Monitor.Requests(server.Spec.ServerId).Where(r => r.Fiber == fiber) : [];
    }

    private static async Task<IPowerProvider?> ProviderAsync(MutantEdges edges, ObjectKey key, CancellationToken cancellationToken)
    {
        var name = edges.Fibers.Current!.ReadObject?.Spec.ProviderRef.Name ?? Scenario.ProviderName;
        return await edges.Resolver.ResolveAsync(key.Namespace, name, cancellationToken) is ProviderResolution.Usable usable ? usable.Provider : null;
    }

    /// <summary>The real reconcile, then the mutant's extra step.</summary>
    private sealed class After(IReconciler inner, MutantEdges edges,
        Func<MutantEdges, ObjectKey, ReconcileResult, CancellationToken, Task<ReconcileResult>> then) : IReconciler
    {
        public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) =>
            await then(edges, key, await inner.ReconcileAsync(key, cancellationToken), cancellationToken);
    }
}
