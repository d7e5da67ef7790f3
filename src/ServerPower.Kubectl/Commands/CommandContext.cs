using ServerPower.KubectlPower.Kube;

namespace ServerPower.KubectlPower.Commands;

/// <summary>What every command works with: the API, the namespace, where it prints, the clock.</summary>
public sealed record CommandContext(ServerPowers Api, string Namespace, TextWriter Output, TextWriter Errors, TimeProvider Time, Random Random)
{
    /// <summary>How often <c>--wait</c> reads the object again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
