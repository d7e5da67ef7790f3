namespace ServerPower.Providers.Contract;

/// <summary>Rebuild parameters, resolved from spec.rebuild (the root password already read from its Secret).</summary>
public sealed record RebuildRequest(
    string? OsId,
    string? Hostname,
    SecretValue? RootPassword,
    IReadOnlyList<long>? SshKeyIds,
    long? FirewallGroupId);
