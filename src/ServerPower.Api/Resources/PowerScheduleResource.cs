using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Resources;

/// <summary>Windows in which servers run, in one time zone, shared by the ServerPowers of its namespace (kind PowerSchedule).</summary>
public sealed class PowerScheduleResource : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    [JsonPropertyName("kind")] public string Kind { get; set; } = ApiGroup.PowerScheduleKind;
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public PowerScheduleSpec Spec { get; set; } = new();
    [JsonPropertyName("status")] public PowerScheduleStatus? Status { get; set; }
}

public sealed record PowerScheduleSpec
{
    public const string DefaultTimeZone = "UTC";

    /// <summary>An IANA time zone name (Europe/Berlin); windows and exception dates are local times there.</summary>
    [JsonPropertyName("timeZone")] public string TimeZone { get; init; } = DefaultTimeZone;

    /// <summary>The windows in which servers should run; outside them they should be stopped.</summary>
    [JsonPropertyName("running")] public IReadOnlyList<ScheduleWindow>? Running { get; init; }

    /// <summary>Local dates whose state is fixed for the whole day, whatever the windows say.</summary>
    [JsonPropertyName("exceptions")] public IReadOnlyList<ScheduleException>? Exceptions { get; init; }
}

/// <summary>A weekly window: on each of <see cref="Days"/>, from <see cref="From"/> to <see cref="To"/> local time.</summary>
public sealed record ScheduleWindow
{
    /// <summary>The days on which the window starts; absent: every day.</summary>
    [JsonPropertyName("days")] public IReadOnlyList<ScheduleDay>? Days { get; init; }

    /// <summary>HH:MM local time.</summary>
    [JsonPropertyName("from")] public string From { get; init; } = "";

    /// <summary>HH:MM local time; not after <see cref="From"/>: the window ends on the next day.</summary>
    [JsonPropertyName("to")] public string To { get; init; } = "";
}

/// <summary>One local date whose state is fixed for the whole day.</summary>
public sealed record ScheduleException
{
    /// <summary>YYYY-MM-DD.</summary>
    [JsonPropertyName("date")] public string Date { get; init; } = "";

    [JsonPropertyName("state")] public TargetPowerState State { get; init; }
}

public sealed record PowerScheduleStatus
{
    [JsonPropertyName("observedGeneration")] public long? ObservedGeneration { get; init; }

    /// <summary>What the schedule says now.</summary>
    [JsonPropertyName("state")] public TargetPowerState? State { get; init; }

    /// <summary>When <see cref="State"/> changes next; absent if it never does.</summary>
    [JsonPropertyName("nextTransition"), JsonConverter(typeof(Serialization.KubeTimeConverter))]
    public DateTimeOffset? NextTransition { get; init; }

    [JsonPropertyName("conditions")] public IReadOnlyList<Condition>? Conditions { get; init; }
}
