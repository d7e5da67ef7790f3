using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Ownership;

/// <summary>Who acts on a server of an account: <see cref="ServerOwnership"/>, or <see cref="ServerOwnershipOff"/>.</summary>
public interface IServerOwnership
{
    /// <summary>The message of a conflict: who owns the server instead; null when <paramref name="server"/> owns it.</summary>
    Task<string?> ConflictAsync(ServerPowerResource server, ProviderAccount account, CancellationToken cancellationToken);
}
