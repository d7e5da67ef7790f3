using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Ordering;

/// <summary>No start order: the decision sees none (as for a server that lists no dependency and that nothing lists).</summary>
public sealed class StartOrderOff : IStartOrder
{
    public static StartOrderOff Instance { get; } = new();

    public DependencyView? Of(ServerPowerResource server) => null;

    public Task<DependencyView?> OfLiveAsync(ServerPowerResource server, CancellationToken cancellationToken) => Task.FromResult<DependencyView?>(null);
}
