using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Ownership;

/// <summary>Who acts on a server of an account: <see cref="ServerOwnership"/>, or <see cref="ServerOwnershipOff"/>.</summary>
public interface IServerOwnership
{
    /// <summary>The message of a conflict: who owns the server instead; null when <paramref name="server"/> owns it.</summary>
    Task<string?> ConflictAsync(ServerPowerResource server, ProviderAccount account, CancellationToken cancellationToken);

    /// <summary>
    /// Ownership checked again once an action is recorded, on a view that has seen every change written before the
    /// record (<paramref name="recorded"/> is the object as the record left it).
    /// </summary>
    Task<OwnershipCheck> ConfirmAsync(ServerPowerResource recorded, ProviderAccount account, CancellationToken cancellationToken);
}

/// <summary>
/// <paramref name="CaughtUp"/>: the view had seen every change written before the record; <paramref name="Conflict"/>:
/// who owns the server instead (null: the recorded object does).
/// </summary>
public sealed record OwnershipCheck(bool CaughtUp, string? Conflict)
{
    public static OwnershipCheck Owner { get; } = new(true, null);
}
