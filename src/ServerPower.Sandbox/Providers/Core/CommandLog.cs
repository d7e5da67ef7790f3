using System.Collections.Concurrent;

namespace ServerPower.Sandbox.Providers.Core;

/// <summary>One console command a simulated server's console received.</summary>
public sealed record ReceivedCommand(string ServerId, string Command, DateTimeOffset At);

/// <summary>
/// Every console command a simulator delivered to a server's console (the answer was success), in order, kept even
/// when <see cref="SimulatorOptions.RecordRequests"/> is off. Refused ones (a stopped server, a fault) are not here.
/// </summary>
public sealed class CommandLog
{
    private readonly ConcurrentQueue<ReceivedCommand> commands = new();

    public IReadOnlyList<ReceivedCommand> Snapshot() => commands.ToArray();

    /// <summary>The commands this server received, oldest first.</summary>
    public IReadOnlyList<string> For(string serverId) =>
        commands.Where(c => c.ServerId == serverId).Select(c => c.Command).ToArray();

    public void Clear() => commands.Clear();

    internal void Add(ReceivedCommand command) => commands.Enqueue(command);
}
