using ServerPower.Api.Resources;

namespace ServerPower.Operator.Decision;

/// <summary>
/// Where an action goes: the PowerProvider named by spec.providerRef, its type and endpoint, and spec.serverId.
/// Recorded in lastAction.target; an action's records (its grace period, the kill that may follow a stop) hold only
/// while the server's target is the same, so a stop sent to one server never turns into a kill of another.
/// Credentials are not part of it: a rotated token reaches the same server.
/// </summary>
public static class ActionTarget
{
    public static string Of(ServerPowerResource server, ProviderView.Resolved provider) =>
        $"PowerProvider {server.Spec.ProviderRef.Name} ({provider.Type}{(provider.Endpoint is { } e ? " " + e : "")}) server {server.Spec.ServerId}";
}
