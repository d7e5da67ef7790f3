using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Ownership;

/// <summary>No ownership check: every ServerPower acts on its server (a test that declares each server once).</summary>
public sealed class ServerOwnershipOff : IServerOwnership
{
    public static ServerOwnershipOff Instance { get; } = new();

    public Task<string?> ConflictAsync(ServerPowerResource server, ProviderAccount account, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    public Task<OwnershipCheck> ConfirmAsync(ServerPowerResource recorded, ProviderAccount account, CancellationToken cancellationToken) =>
        Task.FromResult(OwnershipCheck.Owner);
}
