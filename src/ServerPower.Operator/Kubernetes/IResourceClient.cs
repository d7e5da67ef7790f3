using ServerPower.Api.Resources;
using ServerPower.Operator.Ordering;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// The Kubernetes reads and writes the reconcilers need, and nothing else. <see cref="ILiveServerReader.GetLiveAsync"/>
/// reads the API server even where the other reads come from a cache.
/// </summary>
public interface IResourceClient : ILiveServerReader
{
    Task<ServerPowerResource?> GetServerAsync(string ns, string name, CancellationToken cancellationToken);

    Task<PowerProviderResource?> GetProviderAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>The value of one key of a Secret; null when the Secret or the key is missing.</summary>
    Task<string?> GetSecretValueAsync(string ns, string name, string key, CancellationToken cancellationToken);

    /// <summary>
    /// Merge-patches status from <paramref name="server"/>'s current status to <paramref name="status"/>. With
    /// <paramref name="requireResourceVersion"/> the server checks <c>metadata.resourceVersion</c> and a stale
    /// object gives <see cref="ConflictException"/>. Returns the updated object.
    /// </summary>
    Task<ServerPowerResource> PatchServerStatusAsync(ServerPowerResource server, ServerPowerStatus status, bool requireResourceVersion, CancellationToken cancellationToken);

    /// <summary>Replaces metadata.finalizers, checked against the object's resourceVersion.</summary>
    Task<ServerPowerResource> SetServerFinalizersAsync(ServerPowerResource server, IReadOnlyList<string> finalizers, CancellationToken cancellationToken);

    Task<PowerProviderResource> PatchProviderStatusAsync(PowerProviderResource provider, PowerProviderStatus status, CancellationToken cancellationToken);
}

/// <summary>The API server answered 409: the object changed since it was read.</summary>
public sealed class ConflictException(string message) : Exception(message);
