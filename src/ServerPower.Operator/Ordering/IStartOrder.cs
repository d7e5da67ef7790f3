using ServerPower.Api.Resources;
using ServerPower.Operator.Decision;

namespace ServerPower.Operator.Ordering;

/// <summary>What the ServerPower reconciler hands the decision of spec.startAfter: <see cref="StartOrder"/>, or <see cref="StartOrderOff"/>.</summary>
public interface IStartOrder
{
    /// <summary>The server's start order; null when it has none (or order is off).</summary>
    DependencyView? Of(ServerPowerResource server);
}
