using ServerPower.Api.Resources;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Tests.Reconciliation;

/// <summary>A provider edge for reconciler tests: a server whose state the test sets, and a log of what was sent.</summary>
public sealed class ScriptedProvider(ProviderType type, ProviderCapabilities capabilities) : IPowerProvider, IPowerProviderFactory
{
    public ProviderType Type => type;
    public ProviderCapabilities Capabilities => capabilities;
    public Dictionary<string, ObservedServer> Servers { get; } = [];
    public List<(string ServerId, ActionType Action)> Sent { get; } = [];
    public List<ProviderAccount> Accounts { get; } = [];
    public Func<ActionType, ProviderOutcome> Answer { get; set; } = _ => ProviderOutcome.Accepted("ok");
    /// <summary>Runs while an action is "on the wire" (e.g. to look at what Kubernetes holds at that moment).</summary>
    public Action<ActionType>? OnSend { get; set; }
    public int Reads { get; private set; }
    /// <summary>What <see cref="ActionWait"/> answers: how long the account must wait before an action could be sent.</summary>
    public TimeSpan? Wait { get; set; }

    public TimeSpan? ActionWait(string serverId) => Wait;
    /// <summary>A failure to answer reads with, given the account in use; null reads normally.</summary>
    public Func<ProviderAccount, ProviderOutcome?> ReadAnswer { get; set; } = _ => null;

    /// <summary>Accounts whose clients were released (the PowerProvider went away).</summary>
    public List<string> Released { get; } = [];

    public void Release(string accountKey) => Released.Add(accountKey);

    public IPowerProvider Get(ProviderAccount account)
    {
        Accounts.Add(account);
        return this;
    }

    public Task<ReadResult> ReadAsync(string serverId, CancellationToken cancellationToken)
    {
        Reads++;
        if (Accounts.Count > 0 && ReadAnswer(Accounts[^1]) is { } failure) return Task.FromResult(ReadResult.Failed(failure));
        return Task.FromResult(Servers.TryGetValue(serverId, out var s)
            ? ReadResult.Of(s)
            : ReadResult.Failed(new ProviderOutcome(OutcomeKind.NotFound, $"server {serverId} not found")));
    }

    public Task<BatchReadResult> ReadAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new BatchReadResult(ProviderOutcome.Accepted(), Servers));

    public Task<ProviderOutcome> SendAsync(string serverId, ActionType action, RebuildRequest? rebuild, CancellationToken cancellationToken)
    {
        OnSend?.Invoke(action);
        Sent.Add((serverId, action));
        return Task.FromResult(Answer(action));
    }

    public Task<ProviderOutcome> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(ProviderOutcome.Accepted());

    /// <summary>Console commands sent (spec.stop.warning), in order.</summary>
    public List<(string ServerId, string Command)> Commands { get; } = [];

    /// <summary>How a console command is answered; by default Unsupported unless the capabilities say there is a console.</summary>
    public Func<string, ProviderOutcome>? CommandAnswer { get; set; }

    public Task<ProviderOutcome> SendCommandAsync(string serverId, string command, CancellationToken cancellationToken)
    {
        if (!capabilities.HasConsole) return Task.FromResult(ProviderOutcome.Unsupported($"{type} has no console; the command was not sent"));
        Commands.Add((serverId, command));
        return Task.FromResult(CommandAnswer?.Invoke(command) ?? ProviderOutcome.Accepted("command sent"));
    }
}
