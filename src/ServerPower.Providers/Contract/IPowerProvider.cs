using ServerPower.Api.Resources;

namespace ServerPower.Providers.Contract;

/// <summary>One provider account: read state, perform an action, declare capabilities.</summary>
public interface IPowerProvider
{
    ProviderType Type { get; }

    ProviderCapabilities Capabilities { get; }

    /// <summary>Reads one server's state. A state-blind provider answers Unsupported.</summary>
    Task<ReadResult> ReadAsync(string serverId, CancellationToken cancellationToken);

    /// <summary>Reads every server of the account in one call, where <see cref="ProviderCapabilities.CanBatchRead"/>.</summary>
    Task<BatchReadResult> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Sends one action. Unsupported actions answer Unsupported without any request.</summary>
    Task<ProviderOutcome> SendAsync(string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one line to the server's console (spec.stop.warning), at most once: never retried, since a repeat would
    /// show the line twice. Without <see cref="ProviderCapabilities.HasConsole"/>, or for a command that is empty, over
    /// <see cref="ConsoleCommands.MaxLength"/> or not one line, it answers Unsupported or Invalid without any request.
    /// Never throws for a provider's answer: a refusal or failure is the outcome.
    /// </summary>
    Task<ProviderOutcome> SendCommandAsync(string serverId, string command, CancellationToken cancellationToken);

    /// <summary>An authenticated call proving the credentials work (HEO: its unauthenticated service status).</summary>
    Task<ProviderOutcome> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// How long until an action for <paramref name="serverId"/> could be sent (a 429 wait, its turn at the account's
    /// rate limit, no free action slot); null when it could go now. Takes no token: callers ask before recording an
    /// action, so a refusal costs no write. A server told to wait keeps its turn until it comes back.
    /// </summary>
    TimeSpan? ActionWait(string serverId) => null;
}
