using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Ordering;

/// <summary>
/// spec.startAfter computed from the operator's cache (<see cref="DependencyResolver"/> over <paramref name="graph"/>),
/// and, before a start, with the dependencies read through <paramref name="live"/>.
/// </summary>
public sealed class StartOrder(IServerGraph graph, ILiveServerReader live) : IStartOrder
{
    public DependencyView? Of(ServerPowerResource server) => DependencyResolver.Resolve(server, graph);

    public async Task<DependencyView?> OfLiveAsync(ServerPowerResource server, CancellationToken cancellationToken) =>
        DependencyResolver.Resolve(server, await LiveDependencies.ReadAsync(graph, live, server, cancellationToken));
}
