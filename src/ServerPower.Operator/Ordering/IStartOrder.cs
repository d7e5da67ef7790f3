using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Ordering;

/// <summary>What the ServerPower reconciler hands the decision of spec.startAfter: <see cref="StartOrder"/>, or <see cref="StartOrderOff"/>.</summary>
public interface IStartOrder
{
    /// <summary>The server's start order; null when it has none (or order is off).</summary>
    DependencyView? Of(ServerPowerResource server);

    /// <summary>
    /// <see cref="Of"/> with the servers <paramref name="server"/> lists in spec.startAfter read from the API server,
    /// not the cache: asked right before a start is recorded, since the cache may not have seen a dependency's last
    /// change yet (a dependency that just stopped being Ready).
    /// </summary>
    Task<DependencyView?> OfLiveAsync(ServerPowerResource server, CancellationToken cancellationToken);
}
