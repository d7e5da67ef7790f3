using ServerPower.Api.Resources;

namespace ServerPower.Operator.Ordering;

/// <summary>Reads one ServerPower from the API server itself (a quorum read), not from the operator's cache.</summary>
public interface ILiveServerReader
{
    /// <summary>The object as the API server holds it now; null when it does not exist.</summary>
    Task<ServerPowerResource?> GetLiveAsync(string ns, string name, CancellationToken cancellationToken);
}
