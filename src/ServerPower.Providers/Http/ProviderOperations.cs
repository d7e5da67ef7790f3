using ServerPower.Providers.Resilience;

namespace ServerPower.Providers.Http;

/// <summary>What a provider request is for, as <see cref="ProviderRequestRecord.Operation"/> names it.</summary>
public static class ProviderOperations
{
    /// <summary>A read of one server, or a probe of the account.</summary>
    public const string Read = "read";

    /// <summary>One listing of every server of the account (serves many single reads).</summary>
    public const string ReadAll = "read_all";

    /// <summary>start or stop (idempotent, may be retried).</summary>
    public const string Action = "action";

    /// <summary>restart, kill, reset or rebuild (sent at most once).</summary>
    public const string DestructiveAction = "destructive_action";

    /// <summary>A console command (sent at most once).</summary>
    public const string Command = "command";

    internal static string Of(CallKind kind) => kind switch
    {
        CallKind.Read => Read,
        CallKind.IdempotentAction => Action,
        _ => DestructiveAction,
    };
}
