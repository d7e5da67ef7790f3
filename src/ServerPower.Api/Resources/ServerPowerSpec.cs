using System.Text.Json.Serialization;

namespace ServerPower.Api.Resources;

public sealed record ServerPowerSpec
{
    /// <summary>The PowerProvider, in the same namespace, that holds the account.</summary>
    [JsonPropertyName("providerRef")] public LocalObjectReference ProviderRef { get; init; } = new();

    /// <summary>The provider's id for the server (Wenium integer, panel short id or uuid, Wings uuid, HEO vps id).</summary>
    [JsonPropertyName("serverId")] public string ServerId { get; init; } = "";

    [JsonPropertyName("state")] public DesiredPowerState State { get; init; } = DesiredPowerState.Running;

    /// <summary>With state Scheduled (and only then): the PowerSchedule, in the same namespace, that decides the state.</summary>
    [JsonPropertyName("scheduleRef")] public LocalObjectReference? ScheduleRef { get; init; }

    /// <summary>True: observe nothing, act on nothing.</summary>
    [JsonPropertyName("suspend")] public bool Suspend { get; init; }

    [JsonPropertyName("managementPolicy")] public ManagementPolicy ManagementPolicy { get; init; } = ManagementPolicy.Manage;

    [JsonPropertyName("stop")] public StopSpec? Stop { get; init; }

    [JsonPropertyName("rebuild")] public RebuildSpec? Rebuild { get; init; }

    [JsonPropertyName("deletionPolicy")] public DeletionPolicy DeletionPolicy { get; init; } = DeletionPolicy.Orphan;

    /// <summary>Checks that the service answers; Ready=True then also needs it to pass.</summary>
    [JsonPropertyName("readinessProbe")] public ReadinessProbeSpec? ReadinessProbe { get; init; }

    /// <summary>ServerPowers in the same namespace that must be Ready before this one starts (and stop after it).</summary>
    [JsonPropertyName("startAfter")] public IReadOnlyList<string>? StartAfter { get; init; }

    /// <summary>Stop the server when nobody plays, or after a maximum runtime; it stays stopped until woken.</summary>
    [JsonPropertyName("autoStop")] public AutoStopSpec? AutoStop { get; init; }
}

/// <summary>How a stop is carried out.</summary>
public sealed record StopSpec
{
    public const string DefaultGracePeriod = "10m";

    /// <summary>How long a stop may take before onTimeout applies (Go duration).</summary>
    [JsonPropertyName("gracePeriod")] public string GracePeriod { get; init; } = DefaultGracePeriod;

    [JsonPropertyName("onTimeout")] public StopTimeoutAction OnTimeout { get; init; } = StopTimeoutAction.Wait;

    /// <summary>A console command sent a while before a stop the operator decides (providers with a console only).</summary>
    [JsonPropertyName("warning")] public StopWarningSpec? Warning { get; init; }
}

/// <summary>Parameters of a rebuild (Wenium; the Pterodactyl reinstall ignores them).</summary>
public sealed record RebuildSpec
{
    [JsonPropertyName("osId")] public string? OsId { get; init; }
    [JsonPropertyName("hostname")] public string? Hostname { get; init; }
    [JsonPropertyName("sshKeyIds")] public IReadOnlyList<long>? SshKeyIds { get; init; }
    [JsonPropertyName("firewallGroupId")] public long? FirewallGroupId { get; init; }
    [JsonPropertyName("rootPasswordSecretRef")] public SecretKeyReference? RootPasswordSecretRef { get; init; }
}
