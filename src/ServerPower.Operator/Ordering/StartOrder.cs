using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Ordering;

/// <summary>spec.startAfter computed from the operator's cache (<see cref="DependencyResolver"/> over <paramref name="graph"/>).</summary>
public sealed class StartOrder(IServerGraph graph) : IStartOrder
{
    public DependencyView? Of(ServerPowerResource server) => DependencyResolver.Resolve(server, graph);
}
